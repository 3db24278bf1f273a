"""PyTorch eager CPU twin of `npm run bench:train` (bench/train.bench.ts).

Trains the same four reference models as bench/models/*.json, with the same batch sizes, Adam (lr 1e-3)
and the same thread count as onnxruntime, and prints one JSON object per line:

  {"torch": "2.13.0+cpu", "threads": 2}
  {"model": "mlp", "batch": 64, "samples_per_s": [...one figure per timed round...], "loss_first": ..., "loss_last": ...}

A step is what Layerloom's train step does: take a batch from an in-memory dataset, forward, loss,
backward, Adam update, and read the loss and the accuracy back as Python floats.

Usage: python3 bench/pytorch_train.py [--threads 2] [--warmup 20] [--steps 50] [--rounds 5] [--models mlp,lenet,lstm,transformer]
       python3 bench/pytorch_train.py --serve --models lstm ...   (what bench/train.bench.ts runs: after the
         warm-up it prints {"ready": ...}, then times one round per line read from stdin, and on "end" prints
         the summary line above)
"""

import argparse
import json
import math
import sys
import time

import torch
import torch.nn as nn

DATASET_SIZE = 4096


class PositionalEncoding(nn.Module):
    """Layerloom's PositionalEncoding (sinusoidal, base 10000): x + PE[:T]."""

    def __init__(self, d: int, max_len: int, base: float = 10000.0):
        super().__init__()
        pos = torch.arange(max_len, dtype=torch.float32).unsqueeze(1)
        div = torch.pow(base, torch.arange(0, d, 2, dtype=torch.float32) / d)
        pe = torch.zeros(max_len, d)
        pe[:, 0::2] = torch.sin(pos / div)
        pe[:, 1::2] = torch.cos(pos / div)
        self.register_buffer("pe", pe)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.pe[: x.shape[1]]


class LstmClassifier(nn.Module):
    """bench/models/lstm-classifier.json: Embedding(64 → 32) → LSTM(64) → last hidden state → Linear(4)."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(64, 32)
        self.lstm = nn.LSTM(32, 64, batch_first=True)
        self.out = nn.Linear(64, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _, (h_n, _) = self.lstm(self.emb(x))
        return self.out(h_n[-1])


class TransformerClassifier(nn.Module):
    """bench/models/transformer-encoder.json: Embedding(64 → 64) → PE → 2 × TransformerEncoderLayer → mean over T → Linear(4)."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(64, 64)
        self.pos = PositionalEncoding(64, 32)
        self.enc1 = nn.TransformerEncoderLayer(64, 4, dim_feedforward=256, dropout=0.1, batch_first=True)
        self.enc2 = nn.TransformerEncoderLayer(64, 4, dim_feedforward=256, dropout=0.1, batch_first=True)
        self.out = nn.Linear(64, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.enc2(self.enc1(self.pos(self.emb(x))))
        return self.out(h.mean(dim=1))


def make(name: str):
    """The model, its batch size, and a random in-memory dataset (inputs, labels) of the model's shapes."""
    g = torch.Generator().manual_seed(0)
    if name == "mlp":
        model = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 3))
        return model, 64, torch.randn(DATASET_SIZE, 2, generator=g), torch.randint(0, 3, (DATASET_SIZE,), generator=g)
    if name == "lenet":
        model = nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
            nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
        )
        return model, 64, torch.rand(DATASET_SIZE, 1, 28, 28, generator=g), torch.randint(0, 10, (DATASET_SIZE,), generator=g)
    if name == "lstm":
        return LstmClassifier(), 32, torch.randint(0, 64, (DATASET_SIZE, 32), generator=g), torch.randint(0, 4, (DATASET_SIZE,), generator=g)
    if name == "transformer":
        return TransformerClassifier(), 32, torch.randint(0, 64, (DATASET_SIZE, 32), generator=g), torch.randint(0, 4, (DATASET_SIZE,), generator=g)
    raise SystemExit(f"unknown model {name}")


class Runner:
    """One model training step by step, so that timed rounds can alternate with Layerloom's."""

    def __init__(self, name: str):
        torch.manual_seed(0)
        self.name = name
        self.model, self.batch, self.xs, self.ys = make(name)
        self.model.train()
        self.opt = torch.optim.Adam(self.model.parameters(), lr=1e-3)
        self.loss_fn = nn.CrossEntropyLoss()
        self.order = torch.randperm(DATASET_SIZE)
        self.per_epoch = DATASET_SIZE // self.batch
        self.k = 0
        self.losses = []

    def step(self) -> None:
        j = self.k % self.per_epoch
        idx = self.order[j * self.batch : (j + 1) * self.batch]
        self.k += 1
        x, y = self.xs[idx], self.ys[idx]
        self.opt.zero_grad(set_to_none=True)
        logits = self.model(x)
        loss = self.loss_fn(logits, y)
        loss.backward()
        self.opt.step()
        self.losses.append(loss.item())
        (logits.detach().argmax(-1) == y).float().mean().item()

    def round(self, steps: int) -> float:
        """samples/s over `steps` steps."""
        t0 = time.perf_counter()
        for _ in range(steps):
            self.step()
        return steps * self.batch / (time.perf_counter() - t0)

    def summary(self, rates: list) -> dict:
        if not all(math.isfinite(v) for v in self.losses):
            raise SystemExit(f"{self.name}: the loss is not finite")
        return {"model": self.name, "batch": self.batch, "samples_per_s": rates, "loss_first": self.losses[0], "loss_last": self.losses[-1]}


def bench(name: str, warmup: int, steps: int, rounds: int) -> dict:
    r = Runner(name)
    for _ in range(warmup):
        r.step()
    return r.summary([r.round(steps) for _ in range(rounds)])


def serve(name: str, warmup: int, steps: int) -> None:
    """Warm up, print {"ready": ...}, then time one round per line read from stdin until "end"."""
    r = Runner(name)
    for _ in range(warmup):
        r.step()
    print(json.dumps({"ready": name, "batch": r.batch}), flush=True)
    rates = []
    for line in sys.stdin:
        if line.strip() == "end":
            break
        rates.append(r.round(steps))
        print(json.dumps({"round": len(rates), "samples_per_s": rates[-1]}), flush=True)
    print(json.dumps(r.summary(rates)), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--models", default="mlp,lenet,lstm,transformer")
    ap.add_argument("--serve", action="store_true", help="one model; time one round per line read from stdin")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    if a.serve:
        serve(a.models, a.warmup, a.steps)
        return
    for name in a.models.split(","):
        print(json.dumps(bench(name, a.warmup, a.steps, a.rounds)), flush=True)


if __name__ == "__main__":
    main()
