"""The ONNX Runtime encoder: the packaged all-MiniLM-L6-v2 exported to ONNX on this machine (no download), plus a
dynamically quantised int8 copy tuned to this CPU, and the small runtime that encodes with it.

Layout of the export directory (the same as sentence-transformers' own export, so the folder also loads with
`SentenceTransformer(dir, backend="onnx", model_kwargs={"file_name": ...})` once Optimum works here):

    <dir>/onnx/model.onnx                         fp32 graph (last_hidden_state)
    <dir>/onnx/model_qint8_<config>.onnx          int8 weights, dynamic u8 activations (config: avx512_vnni, avx2, ...)
    <dir>/tokenizer.json, config.json, modules.json, 1_Pooling/ ...   copied from the packaged model
    <dir>/export.json                             manifest, written last: its presence means the folder is complete;
                                                  "files" lists the graphs that passed their check, best first,
                                                  "checks" every graph's figures, "error" why an export failed

Why not `SentenceTransformer(path, backend="onnx")`: sentence-transformers 6.2 exports through Optimum, whose
ONNX Runtime integration (optimum-onnx 0.1.0, the only release) requires transformers < 4.58 while
sentence-transformers 6.2 requires transformers >= 5. So the graph is exported with `torch.onnx.export` and
quantised with ONNX Runtime's `quantize_dynamic`, using exactly the settings of Optimum's
`AutoQuantizationConfig.<config>(is_static=False)` that `export_dynamic_quantized_onnx_model` applies (QOperator /
IntegerOps, asymmetric uint8 activations, symmetric per-channel weights, full range, ORT's integer-op set).
Each exported graph is then checked against the torch encoder on real text (`app/encoder_check.py`: ranking
agreement and paragraph cosine); the manifest records every graph's figures, and lists as usable only the graphs that
passed. A graph that fails is kept out of use, never the product: the caller falls back int8 -> fp32 -> torch.

Safe to call from several processes at once: a file lock serialises exporters, the export is built in a temporary
folder and renamed into place, so a crash never leaves a half model behind.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import shutil
import threading
import time
import uuid
from pathlib import Path

import numpy as np

from . import encoder_check
from .encoder_files import EmbeddingError, packaged_model_path
from .text import first_line

os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")  # before onnxruntime is imported (see app/settings.py)

MANIFEST = "export.json"
FP32_FILE = "onnx/model.onnx"
TOKENS_PER_BATCH = 256  # padded tokens an ONNX batch may hold (see OnnxEncoder._batches)
EXPORT_VERSION = 2  # bump to force a re-export when this module's recipe changes
_COPY = (
    "config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "vocab.txt",
    "modules.json",
    "sentence_bert_config.json",
    "config_sentence_transformers.json",
    "1_Pooling",
)


def cpu_identity() -> tuple[str, frozenset[str]]:
    """(machine, CPU flags) of this computer; tests replace it to stand in for other CPUs."""
    import platform

    flags: frozenset[str] = frozenset()
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("flags"):
                    flags = frozenset(line.split(":", 1)[1].split())
                    break
    except OSError:
        pass
    return platform.machine().lower(), flags


def cpu_quant_config() -> str | None:
    """The `export_dynamic_quantized_onnx_model` config name that fits this CPU, or None (use fp32)."""
    machine, flags = cpu_identity()
    if machine in ("arm64", "aarch64"):
        return "arm64"
    if "avx512_vnni" in flags:
        return "avx512_vnni"
    if "avx512f" in flags and "avx512bw" in flags:
        return "avx512"
    if "avx2" in flags:
        return "avx2"
    return None


def quantized_file_name(config: str) -> str:
    # the name sentence-transformers gives it: model_{weights_dtype}_{config}.onnx
    dtype = "quint8" if config == "avx2" else "qint8"
    return f"onnx/model_{dtype}_{config}.onnx"


def _source_fingerprint(src: Path) -> str:
    """Cheap identity of the packaged weights (size, head and tail bytes, config): re-export when they change."""
    h = hashlib.sha256()
    weights = src / "model.safetensors"
    if not weights.exists():
        weights = src / "pytorch_model.bin"
    size = weights.stat().st_size
    h.update(str(size).encode())
    with open(weights, "rb") as f:
        h.update(f.read(1 << 20))
        f.seek(max(0, size - (1 << 20)))
        h.update(f.read(1 << 20))
    h.update((src / "config.json").read_bytes())
    return h.hexdigest()[:16]


def _read_manifest(target: Path) -> dict | None:
    try:
        return json.loads((target / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


@dataclasses.dataclass(frozen=True)
class Export:
    """What an export folder offers: the graphs that passed their check (best first), every graph's check figures,
    and, when the export itself failed, why."""

    directory: Path
    quantization: str | None
    files: tuple[str, ...]
    checks: dict
    error: str | None = None
    made_now: bool = False  # exported (and checked) by this call

    def rejected(self) -> dict[str, str]:
        """Graph -> why it is not used."""
        return {
            name: c.get("failed_on") or "failed its check" for name, c in self.checks.items() if name not in self.files
        }


def _usable(target: Path, fingerprint: str, config: str | None) -> Export | None:
    """The finished export in `target` for these weights and this CPU config, or None (export again)."""
    m = _read_manifest(target)
    if not (
        m and m.get("version") == EXPORT_VERSION and m.get("source") == fingerprint and m.get("quantization") == config
    ):
        return None
    files = tuple(m.get("files", []))
    if not all((target / f).is_file() for f in files):
        return None
    return Export(target, config, files, m.get("checks", {}), m.get("error"))


@contextlib.contextmanager
def _file_lock(path: Path):
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def ensure_onnx_model(target_dir: Path, quantize: bool = True) -> Export:
    """Export (once) and check the graphs for this CPU; return what the folder offers. Idempotent: milliseconds
    when already exported. An export that fails is recorded too (`Export.error`), so every process on this machine
    makes the same choice and none retries it on each start; delete the folder to try again."""
    target = Path(target_dir).expanduser().resolve()
    src = packaged_model_path()
    config = cpu_quant_config() if quantize else None
    fingerprint = _source_fingerprint(src)
    if found := _usable(target, fingerprint, config):
        return found
    with _file_lock(target.parent / f".{target.name}.lock"):
        if found := _usable(target, fingerprint, config):  # another process finished it while we waited
            return found
        for stale in target.parent.glob(f".{target.name}.tmp-*"):  # left by a crashed exporter (we hold the lock)
            shutil.rmtree(stale, ignore_errors=True)
        tmp = target.parent / f".{target.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        try:
            try:
                _export(src, tmp, config, fingerprint)
            except Exception as e:  # noqa: BLE001 - any failure: recorded, and the caller uses torch
                shutil.rmtree(tmp, ignore_errors=True)
                tmp.mkdir(parents=True)
                _write_manifest(
                    tmp,
                    {
                        "version": EXPORT_VERSION,
                        "source": fingerprint,
                        "quantization": config,
                        "files": [],
                        "checks": {},
                        "error": f"{type(e).__name__}: {first_line(e)}",
                    },
                )
            _install(tmp, target)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    found = _usable(target, fingerprint, config)
    if found is None:  # pragma: no cover - defensive
        raise EmbeddingError(f"ONNX export to {target} did not complete")
    return dataclasses.replace(found, made_now=True)


def _write_manifest(folder: Path, manifest: dict) -> None:
    path = folder / MANIFEST
    path.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def _install(tmp: Path, target: Path) -> None:
    """Swap the finished export into place: rename is atomic; an old folder is moved aside first, then removed."""
    old = None
    if target.exists():
        old = target.parent / f".{target.name}.old-{uuid.uuid4().hex[:8]}"
        os.rename(target, old)
    os.rename(tmp, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _export(src: Path, tmp: Path, config: str | None, fingerprint: str) -> None:
    import warnings

    import torch
    import transformers
    from transformers import AutoModel

    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    t0 = time.perf_counter()
    (tmp / "onnx").mkdir(parents=True)
    for name in _COPY:
        p = src / name
        if p.is_dir():
            shutil.copytree(p, tmp / name)
        elif p.exists():
            shutil.copy2(p, tmp / name)

    # eager attention traces to plain MatMul/Softmax that ORT fuses and quantises; SDPA would be traced with
    # mask-dependent Python branches frozen in
    model = AutoModel.from_pretrained(str(src), attn_implementation="eager")
    model.eval()

    class LastHidden(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.m(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    enc = _Tokenizer(tmp)
    ids, mask = enc.batch(enc.encode(["A short one.", "A rather longer sentence, so that the batch needs padding."]))
    axes = {"batch": 0, "sequence": 1}
    dynamic = {
        n: {v: k for k, v in axes.items()}
        for n in ("input_ids", "attention_mask", "token_type_ids", "last_hidden_state")
    }
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            LastHidden(model),
            (torch.from_numpy(ids), torch.from_numpy(mask), torch.zeros_like(torch.from_numpy(ids))),
            str(tmp / FP32_FILE),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_axes=dynamic,
            opset_version=17,
            do_constant_folding=True,
            dynamo=False,
        )
    files = [FP32_FILE]
    if config:
        _quantize(tmp / FP32_FILE, tmp / quantized_file_name(config), config)
        files.insert(0, quantized_file_name(config))  # best first
    checks = _validate(src, tmp, files)
    # a failed fp32 graph means the export itself is wrong: its int8 copy is not trusted either
    passed = [] if not checks[FP32_FILE]["passed"] else [f for f in files if checks[f]["passed"]]
    _write_manifest(
        tmp,
        {
            "version": EXPORT_VERSION,
            "source": fingerprint,
            "files": passed,
            "quantization": config,
            "checks": checks,
            "seconds": round(time.perf_counter() - t0, 1),
            "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "torch": torch.__version__,
            "onnxruntime": __import__("onnxruntime").__version__,
        },
    )


def _quantize(fp32: Path, out: Path, config: str) -> None:
    """`quantize_dynamic` with Optimum's AutoQuantizationConfig.<config>(is_static=False) settings."""
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.quantization.registry import IntegerOpsRegistry

    weight_type = QuantType.QUInt8 if config == "avx2" else QuantType.QInt8
    logging.getLogger().setLevel(max(logging.getLogger().level, logging.ERROR))  # ORT nags about pre-processing
    quantize_dynamic(
        str(fp32),
        str(out),
        op_types_to_quantize=list(IntegerOpsRegistry.keys()),
        per_channel=True,
        reduce_range=False,
        weight_type=weight_type,
        extra_options={
            "WeightSymmetric": True,
            "ActivationSymmetric": False,
            "EnableSubgraph": False,
            "ForceSymmetric": False,
        },
    )


def _validate(src: Path, tmp: Path, files: list[str]) -> dict[str, dict]:
    """Each exported graph against the torch encoder on real text (`encoder_check`): file -> CheckResult as a dict."""
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(src), device="cpu")
    ref = encoder_check.reference_vectors(lambda texts: reference.encode(texts, normalize_embeddings=True))
    out = {}
    for name in files:
        enc = OnnxEncoder(tmp, name)
        out[name] = encoder_check.check(ref, enc.encode, "fp32" if name == FP32_FILE else "int8").to_dict()
    return out


class _Tokenizer:
    def __init__(self, model_dir: Path):
        from tokenizers import Tokenizer

        self.max_len = 256
        try:
            self.max_len = int(json.loads((model_dir / "sentence_bert_config.json").read_text())["max_seq_length"])
        except (OSError, ValueError, KeyError):
            pass
        self.tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tok.no_padding()
        self.tok.enable_truncation(self.max_len)

    def encode(self, texts: list[str]) -> list[list[int]]:
        return [e.ids for e in self.tok.encode_batch(texts)]

    @staticmethod
    def batch(seqs: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
        width = max(len(s) for s in seqs)
        ids = np.zeros((len(seqs), width), dtype=np.int64)
        mask = np.zeros((len(seqs), width), dtype=np.int64)
        for i, s in enumerate(seqs):
            ids[i, : len(s)] = s
            mask[i, : len(s)] = 1
        return ids, mask


def _threads() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class OnnxEncoder:
    """Mean-pooled, L2-normalised sentence embeddings from an exported graph: what the packaged model's
    sentence-transformers pipeline (Transformer -> Pooling(mean) -> Normalize) computes, on ONNX Runtime.
    Texts are tokenised once, sorted by token length and batched, so padding is minimal.

    Parallelism is across batches, not inside one: the session runs each batch on one thread and up to `threads`
    batches run at once (ONNX Runtime's `run` is thread-safe and releases the GIL). For a model this small, with
    batches this short, that measured ~1.3x the throughput of two intra-op threads on one batch, because the
    per-operator thread hand-offs cost more than the small matrix products they split (bench/RESULTS.md)."""

    def __init__(self, model_dir: Path, file_name: str, threads: int | None = None):
        import onnxruntime as ort

        self.model_dir = Path(model_dir)
        self.file_name = file_name
        self.tokenizer = _Tokenizer(self.model_dir)
        self.workers = threads or _threads()
        so = ort.SessionOptions()
        so.intra_op_num_threads = 1
        so.inter_op_num_threads = 1
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        so.log_severity_level = 3
        self.session = ort.InferenceSession(str(self.model_dir / file_name), so, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self.session.get_inputs()}
        self._pool = None
        self._pool_lock = threading.Lock()

    @staticmethod
    def _batches(order, seqs, batch_size: int):
        """Length-sorted batches of at most `batch_size` texts and TOKENS_PER_BATCH padded tokens: small batches
        keep the attention tensors in cache (on a 2-core Xeon, 256 padded tokens a batch ran ~1.3x faster than
        1024, and 1024 ~5x faster than 64 texts of any length)."""
        start = 0
        while start < len(order):
            width = len(seqs[order[start]])  # the longest in the batch: sorted longest first
            n = max(1, min(batch_size, TOKENS_PER_BATCH // max(1, width)))
            yield order[start : start + n]
            start += n

    def get_sentence_embedding_dimension(self) -> int:
        return int(self.session.get_outputs()[0].shape[-1] or 384)

    def _run(self, seqs_batch: list[list[int]]) -> np.ndarray:
        ids, mask = self.tokenizer.batch(seqs_batch)
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        hidden = self.session.run(None, feed)[0]
        m = mask[..., None].astype(np.float32)
        return (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)

    def _map(self, fn, items: list):
        if self.workers <= 1 or len(items) <= 1:
            return [fn(x) for x in items]
        if self._pool is None:
            with self._pool_lock:
                if self._pool is None:
                    from concurrent.futures import ThreadPoolExecutor

                    self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="precedent-onnx")
        return list(self._pool.map(fn, items))

    def encode(
        self,
        sentences,
        batch_size: int = 32,
        normalize_embeddings: bool = True,
        convert_to_numpy: bool = True,
        show_progress_bar: bool = False,
        **_ignored,
    ) -> np.ndarray:
        texts = [sentences] if isinstance(sentences, str) else list(sentences)
        if not texts:
            return np.zeros((0, self.get_sentence_embedding_dimension()), dtype=np.float32)
        seqs = self.tokenizer.encode(texts)
        order = np.argsort([-len(s) for s in seqs], kind="stable")
        batches = list(self._batches(order, seqs, batch_size))
        pooled = self._map(lambda idx: self._run([seqs[i] for i in idx]), batches)
        out = np.empty((len(texts), pooled[0].shape[1]), dtype=np.float32)
        for idx, vecs in zip(batches, pooled, strict=True):
            out[idx] = vecs
        if normalize_embeddings:
            out /= np.clip(np.linalg.norm(out, axis=1, keepdims=True), 1e-12, None)
        return out
