# SFT, then DPO, on a cai4j run's exported data, with TRL (LoRA adapters by default).
# Written by `cai4j train RUN --recipe trl`; the data paths below are that run's exports.
#
#   pip install -r requirements.txt
#   python train_trl.py --base Qwen/Qwen2.5-1.5B-Instruct
#   ./to_gguf.sh out/final out/model.gguf
import argparse

from datasets import load_dataset
from peft import AutoPeftModelForCausalLM, LoraConfig
from transformers import AutoTokenizer
from trl import DPOConfig, DPOTrainer, SFTConfig, SFTTrainer

p = argparse.ArgumentParser(description="SFT then DPO on a cai4j run's data.")
p.add_argument("--base", required=True, help="Hugging Face model id or local folder to start from")
p.add_argument("--sft-data", default="{{SFT_DATA}}", help="TRL conversational SFT file (messages)")
p.add_argument("--dpo-data", default="{{DPO_DATA}}", help="TRL preference file (prompt, chosen, rejected)")
p.add_argument("--out", default="out", help="folder for the adapters and the merged models")
p.add_argument("--epochs", type=float, default=3)
p.add_argument("--beta", type=float, default=0.1, help="DPO's KL weight")
p.add_argument("--max-length", type=int, default=2048)
p.add_argument("--full", action="store_true", help="train all weights instead of LoRA adapters")
a = p.parse_args()

lora = None if a.full else LoraConfig(r=16, lora_alpha=32, lora_dropout=0.05, target_modules="all-linear", task_type="CAUSAL_LM")
tokenizer = AutoTokenizer.from_pretrained(a.base)


def merged(folder):
    """Folds a LoRA adapter into its base model, so that the next stage and llama.cpp see plain weights."""
    if lora is None:
        return folder
    model = AutoPeftModelForCausalLM.from_pretrained(folder).merge_and_unload()
    model.save_pretrained(folder + "-merged")
    tokenizer.save_pretrained(folder + "-merged")
    return folder + "-merged"


# 1. supervised: the revised answers, the distilled answers and the understanding set
sft_data = load_dataset("json", data_files=a.sft_data, split="train")
sft = SFTTrainer(
    model=a.base,
    args=SFTConfig(output_dir=f"{a.out}/sft", num_train_epochs=a.epochs, max_length=a.max_length, learning_rate=2e-4 if lora else 1e-5,
                   per_device_train_batch_size=4, gradient_accumulation_steps=4, logging_steps=10, save_strategy="no", report_to="none"),
    train_dataset=sft_data,
    processing_class=tokenizer,
    peft_config=lora,
)
sft.train()
sft.save_model(f"{a.out}/sft")
tokenizer.save_pretrained(f"{a.out}/sft")
start = merged(f"{a.out}/sft")

# 2. preferences: the AI-feedback pairs, starting from the supervised model; with LoRA the reference
#    model is that same model with the adapter switched off, so no second copy is loaded
dpo_data = load_dataset("json", data_files=a.dpo_data, split="train")
dpo_data = dpo_data.remove_columns([c for c in dpo_data.column_names if c not in ("prompt", "chosen", "rejected")])
dpo = DPOTrainer(
    model=start,
    ref_model=None,
    args=DPOConfig(output_dir=f"{a.out}/dpo", num_train_epochs=a.epochs, beta=a.beta, max_length=a.max_length,
                   learning_rate=5e-6 if lora is None else 5e-5, per_device_train_batch_size=2, gradient_accumulation_steps=8,
                   logging_steps=10, save_strategy="no", report_to="none"),
    train_dataset=dpo_data,
    processing_class=tokenizer,
    peft_config=lora,
)
dpo.train()
dpo.save_model(f"{a.out}/dpo")
tokenizer.save_pretrained(f"{a.out}/dpo")
print("trained: " + f"{a.out}/dpo" + ("  (a LoRA adapter on " + start + "; to_gguf.sh merges it)" if lora else ""))
