/**
 * The safetensors reader and writer that the generated model.py carries: the `safetensors` package when it is
 * installed, else a few lines of numpy (the format is an 8-byte header length, a JSON header, raw data).
 */
export const SAFETENSORS_PY = `_DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "I32": np.int32, "F16": np.float16}


def load_safetensors(path):
    """A state dict from a .safetensors file (Layerloom's weights.safetensors, or one written by save_safetensors)."""
    try:
        from safetensors.torch import load_file
    except ImportError:
        load_file = None
    if load_file is not None:
        return load_file(path)
    with open(path, "rb") as f:
        data = f.read()
    (size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + size])
    state = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        if meta["dtype"] not in _DTYPES:
            raise ValueError(f"{path}: tensor {name} has dtype {meta['dtype']}, which this reader does not support")
        begin, end = meta["data_offsets"]
        array = np.frombuffer(data[8 + size + begin : 8 + size + end], dtype=_DTYPES[meta["dtype"]])
        state[name] = torch.from_numpy(array.reshape(meta["shape"]).copy())
    return state


def save_safetensors(state, path):
    """Writes a state dict as .safetensors, readable by Layerloom (layerloom export --from-weights)."""
    names = {np.dtype(v): k for k, v in _DTYPES.items()}
    header, chunks, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, tensor in state.items():
        array = np.ascontiguousarray(tensor.detach().cpu().numpy())
        chunks.append(array.tobytes())
        header[name] = {"dtype": names[array.dtype], "shape": list(array.shape), "data_offsets": [offset, offset + len(chunks[-1])]}
        offset += len(chunks[-1])
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))
`;
