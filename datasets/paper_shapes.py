"""The paper's workload shapes (../shared/PAPER.md, Tables 1-2), one place for every script that
builds the models on a GPU: the trace collector (collect_traces.py) and the real-stacking harness
(validation/). The Java scenarios name the same shapes by model and batch size.

Where the paper is silent, the choice and its reason are written beside it.
"""

# Table 1: training jobs, the BE side of hybrid stacking. Batch sizes are the paper's
# (chosen there so each job uses half of the A100's HBM).
TRAINING = {
    "vgg19": {"batch": 120, "iteration_ms_a100": 291, "memory_gib_a100": 17.4},
    "resnet50": {"batch": 184, "iteration_ms_a100": 281, "memory_gib_a100": 18.4},
    "mobilenetv2": {"batch": 216, "iteration_ms_a100": 254, "memory_gib_a100": 18.4},
    "dlrm": {"batch": 32768, "iteration_ms_a100": 74, "memory_gib_a100": 6.7},
    # sequence length 384: SQuAD fine-tuning, as MLPerf's BERT and the earlier traces
    "bert-large": {"batch": 20, "seq": 384, "iteration_ms_a100": 159, "memory_gib_a100": 17.3},
    # LoRA fine-tuning of Llama-3-8B (full fine-tuning with AdamW does not fit the paper's 40 GB A100,
    # its Table 1 says 32 GiB); sequence length 512 is our choice: the paper does not state it.
    "llama3-8b-lora": {"batch": 4, "seq": 512, "iteration_ms_a100": 690, "memory_gib_a100": 32.0},
}

# Table 2: inference services. A request is one query, as MLPerf's server scenario sends them
# (batch 1); loads in requests/s and latency constraints in ms are the paper's.
INFERENCE = {
    "resnet50": {"batch": 1, "res": 224, "load_rps": 1000, "slo_ms": 15, "framework": "TensorRT"},
    "retinanet": {"batch": 1, "res": 800, "load_rps": 9, "slo_ms": 100, "framework": "ONNX Runtime"},
    "bert-large": {"batch": 1, "seq": 384, "load_rps": 30, "slo_ms": 130, "framework": "TensorRT"},
    # One LLM request = prefill of the prompt + decode steps, one token each, batch 1.
    # 1024-token prompt and 128 output tokens: MLPerf's GPT-J (CNN/DailyMail summarization)
    # caps the output at 128 tokens and its inputs run to ~1-2k tokens. Every decode step is
    # modeled at the 1024-token context (the KV cache grows to 1152 over the request: < 13%).
    "llama3-8b": {"batch": 1, "prompt_tokens": 1024, "decode_steps": 128, "context_tokens": 1024,
                  "load_rps": 0.5, "slo_ms": 2000, "framework": "TensorRT-LLM"},
    "gptj-6b": {"batch": 1, "prompt_tokens": 1024, "decode_steps": 128, "context_tokens": 1024,
                "load_rps": 0.5, "slo_ms": 2000, "framework": "TensorRT-LLM"},
}
