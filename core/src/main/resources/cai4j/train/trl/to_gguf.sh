#!/bin/sh
# Merges the DPO adapter that train_trl.py wrote into its base model and converts the result to
# GGUF with llama.cpp, for `--target llama:<file>.gguf`. Written by `cai4j train RUN --recipe trl`.
#
#   ./to_gguf.sh [OUT] [MODEL.gguf]      (defaults: out, out/model.gguf)
#   LLAMA_CPP=/path/to/llama.cpp         a checkout of https://github.com/ggml-org/llama.cpp (default ./llama.cpp)
set -eu
OUT=${1:-out}
GGUF=${2:-$OUT/model.gguf}
LLAMA_CPP=${LLAMA_CPP:-./llama.cpp}

if [ -f "$OUT/dpo/adapter_config.json" ]; then
  # a LoRA adapter: fold it into the model it was trained on (recorded in the adapter's config)
  python - "$OUT/dpo" "$OUT/final" <<'PY'
import sys
from peft import AutoPeftModelForCausalLM
from transformers import AutoTokenizer
adapter, final = sys.argv[1], sys.argv[2]
AutoPeftModelForCausalLM.from_pretrained(adapter).merge_and_unload().save_pretrained(final)
AutoTokenizer.from_pretrained(adapter).save_pretrained(final)
PY
else
  rm -rf "$OUT/final" && cp -r "$OUT/dpo" "$OUT/final"
fi

[ -d "$LLAMA_CPP" ] || git clone --depth 1 https://github.com/ggml-org/llama.cpp "$LLAMA_CPP"
python "$LLAMA_CPP/convert_hf_to_gguf.py" "$OUT/final" --outfile "$GGUF" --outtype q8_0
echo "written $GGUF; evaluate it with: cai4j evals run --run RUN --target llama:$GGUF"
