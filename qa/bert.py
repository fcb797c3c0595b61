"""MiniLM's BERT encoder on onnxruntime: embeddings looked up in numpy, the layers built once into an ONNX graph and cached, no torch."""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from qa.errors import ModelError
from qa.index import write_atomic

# Bumped whenever the graph built below changes, so that cached graphs of an older shape are not used.
GRAPH_VERSION = 1
# How every cached graph's file name of this version ends.
GRAPH_SUFFIX = f"-v{GRAPH_VERSION}.onnx"
# A cached graph not opened for this long (a model since replaced, a trial one) is removed when another is built.
UNUSED_DAYS = 30


def cache_dir() -> Path:
    """Where built graphs are kept: $QA_CACHE, else the user's cache folder."""
    base = os.environ.get("QA_CACHE") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "newsqa"
    return Path(base) / "onnx"


def dense(weights: dict[str, np.ndarray], name: str) -> np.ndarray:
    """A weight as float32: int8 rows times their scale, anything else widened (float32 itself as it is)."""
    value = weights[name]
    if value.dtype == np.int8:
        return value.astype(np.float32) * weights[name + ".scale"].astype(np.float32)[:, None]
    return np.asarray(value, dtype=np.float32)


def pad(rows: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Rows of token ids (or token types) padded with zeros to the longest, as int64, and their attention mask."""
    ids = np.zeros((len(rows), max(len(r) for r in rows)), dtype=np.int64)
    mask = np.zeros_like(ids)
    for r, row in enumerate(rows):
        ids[r, :len(row)], mask[r, :len(row)] = row, 1
    return ids, mask


def layer_graph(weights: dict[str, np.ndarray], layers: int, heads: int, eps: float) -> bytes:
    """The serialised ONNX graph from summed embeddings and the attention mask to the last hidden states.

    A linear weight stored as int8 rows with a scale each runs as an int8 matrix product on dynamically quantised inputs;
    a float weight runs in float32.
    """
    from onnx import TensorProto, helper, numpy_helper

    nodes, initialisers = [], []

    def const(value: np.ndarray) -> str:
        name = f"w{len(initialisers)}"
        initialisers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def op(kind: str, inputs: list[str], outputs: int = 1, **attrs) -> str | list[str]:
        names = [f"{kind}{len(nodes)}_{i}" for i in range(outputs)]
        nodes.append(helper.make_node(kind, inputs, names, name=f"{kind}{len(nodes)}", **attrs))
        return names[0] if outputs == 1 else names

    def scalar(value: float) -> str:
        return const(np.array(value, np.float32))

    def norm(x: str, prefix: str) -> str:
        return op("LayerNormalization", [x, const(dense(weights, prefix + ".weight")), const(dense(weights, prefix + ".bias"))], axis=-1, epsilon=eps)

    def linear(x: str, prefix: str) -> str:
        weight, bias = weights[prefix + ".weight"], const(dense(weights, prefix + ".bias"))
        if weight.dtype != np.int8:
            return op("Add", [op("MatMul", [x, const(weight.astype(np.float32).T)]), bias])
        quantised, x_scale, x_zero = op("DynamicQuantizeLinear", [x], outputs=3)
        zeros = const(np.zeros(weight.shape[0], np.int8))
        product = op("Cast", [op("MatMulInteger", [quantised, const(weight.T), x_zero, zeros])], to=TensorProto.FLOAT)
        scale = op("Mul", [x_scale, const(weights[prefix + ".weight.scale"].astype(np.float32))])
        return op("Add", [op("Mul", [product, scale]), bias])

    size = weights["embeddings.word_embeddings.weight"].shape[1]
    head = size // heads
    x = norm("embedded", "embeddings.LayerNorm")
    missing = op("Sub", [scalar(1.0), op("Cast", ["attention_mask"], to=TensorProto.FLOAT)])
    bias = op("Unsqueeze", [op("Mul", [missing, scalar(-1e4)]), const(np.array([1, 2], np.int64))])
    split, merge = const(np.array([0, 0, heads, head], np.int64)), const(np.array([0, 0, size], np.int64))
    for i in range(layers):
        p = f"encoder.layer.{i}."
        q, k, v = (op("Reshape", [linear(x, p + f"attention.self.{n}"), split]) for n in ("query", "key", "value"))
        q, k, v = op("Transpose", [q], perm=[0, 2, 1, 3]), op("Transpose", [k], perm=[0, 2, 3, 1]), op("Transpose", [v], perm=[0, 2, 1, 3])
        scores = op("Add", [op("Mul", [op("MatMul", [q, k]), scalar(1 / math.sqrt(head))]), bias])
        context = op("MatMul", [op("Softmax", [scores], axis=-1), v])
        context = op("Reshape", [op("Transpose", [context], perm=[0, 2, 1, 3]), merge])
        x = norm(op("Add", [x, linear(context, p + "attention.output.dense")]), p + "attention.output.LayerNorm")
        h = linear(x, p + "intermediate.dense")
        gelu = op("Mul", [op("Mul", [h, scalar(0.5)]), op("Add", [op("Erf", [op("Mul", [h, scalar(1 / math.sqrt(2))])]), scalar(1.0)])])
        x = norm(op("Add", [x, linear(gelu, p + "output.dense")]), p + "output.LayerNorm")
    nodes.append(helper.make_node("Identity", [x], ["hidden"], name="hidden"))
    graph = helper.make_graph(
        nodes, "minilm",
        [helper.make_tensor_value_info("embedded", TensorProto.FLOAT, ["batch", "length", size]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "length"])],
        [helper.make_tensor_value_info("hidden", TensorProto.FLOAT, ["batch", "length", size])], initialisers)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]).SerializeToString()


def prune(folder: Path) -> None:
    """Remove the cached graphs of an older graph version, and those not opened for UNUSED_DAYS."""
    stale = time.time() - UNUSED_DAYS * 86400
    for graph in folder.glob("*.onnx"):
        with contextlib.suppress(OSError):
            if not graph.name.endswith(GRAPH_SUFFIX) or graph.stat().st_mtime < stale:
                graph.unlink()


def session(key: str, weights: dict[str, np.ndarray], layers: int, heads: int, eps: float, spin: bool):  # noqa: ANN201 - onnxruntime.InferenceSession
    """An onnxruntime session on the graph from the cache, else built now and cached where the cache can be written.

    `key` names the weights' values; their names, types and shapes are added to it. Spinning threads wait for the next
    operator busily: faster for a model run many times in a row, but they take the cores from another session run just after.
    """
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
    providers = ["CPUExecutionProvider"]
    layout = hashlib.sha256(repr(sorted((k, v.dtype.str, v.shape) for k, v in weights.items())).encode()).hexdigest()[:12]
    path = cache_dir() / f"{key}-{layout}{GRAPH_SUFFIX}"
    if path.is_file():
        try:
            opened = onnxruntime.InferenceSession(str(path), options, providers=providers)
            with contextlib.suppress(OSError):
                os.utime(path)
            return opened
        except Exception:  # noqa: BLE001 - a damaged cached graph is rebuilt below, whatever onnxruntime raised
            path.unlink(missing_ok=True)
    graph = layer_graph(weights, layers, heads, eps)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, graph)
        prune(path.parent)
    except OSError:
        pass
    try:
        return onnxruntime.InferenceSession(graph, options, providers=providers)
    except Exception as exc:  # onnxruntime raises its own exception types
        raise ModelError(f"The model {key} could not be prepared for onnxruntime ({exc}).") from exc


class Encoder:
    """A BERT's last hidden states for padded token ids, from its weights (Hugging Face names); `key` names the weights in the cache."""

    def __init__(self, weights: dict[str, np.ndarray], layers: int, heads: int, eps: float, key: str, spin: bool = True) -> None:
        self.word = dense(weights, "embeddings.word_embeddings.weight")
        self.position = dense(weights, "embeddings.position_embeddings.weight")
        self.kinds = dense(weights, "embeddings.token_type_embeddings.weight")
        self.session = session(key, weights, layers, heads, eps, spin)

    def hidden(self, ids: np.ndarray, types: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Hidden states [batch, length, size] for int64 token ids, token types and attention mask."""
        embedded = self.word[ids] + self.position[: ids.shape[1]][None] + self.kinds[types]
        return self.session.run(["hidden"], {"embedded": embedded, "attention_mask": mask})[0]
