"""The packaged model run by PyTorch with bfloat16 weights (AVX-512 BF16 / AMX kernels through
oneDNN): about 3× the document throughput of sentence-transformers fp32 on this CPU, with
cosine ≥ 0.998 to it. Pooling and normalization run in float32 (pooled_embedder)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from index.pooled_embedder import IntMatrix, PooledEmbedder


class TorchBf16Embedder(PooledEmbedder):
    def __init__(self, model: str, threads: int | None = None) -> None:
        super().__init__(model, "torch-bf16")
        import torch
        from transformers import AutoModel

        if threads:
            torch.set_num_threads(threads)
        self._torch = torch
        self._model = AutoModel.from_pretrained(
            str(self.model_dir), local_files_only=True, dtype=torch.bfloat16
        ).eval()

    def _hidden_states(self, ids: IntMatrix, mask: IntMatrix) -> npt.NDArray[np.float32]:
        torch = self._torch
        with torch.inference_mode():
            out = self._model(
                input_ids=torch.from_numpy(ids),
                attention_mask=torch.from_numpy(mask),
                token_type_ids=torch.zeros_like(torch.from_numpy(ids)),
            )
            hidden: npt.NDArray[np.float32] = out.last_hidden_state.float().numpy()
        return hidden
