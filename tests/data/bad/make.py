"""Writes the bad-input corpus next to this file and `expected.json` (file -> kind, reason).

Run once when the corpus changes: `python tests/data/bad/make.py`. Files too big to keep in
git (over the size caps) are made at test time by `big_cases()` instead.
"""
import gzip
import io
import json
import pickle  # only to make a hostile file; the app never unpickles anything
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
W = [[0.1, -0.2, 0.3, 0.0], [0.5, 0.1, -0.1, 0.2]]
GOOD = {"format": "playground-model", "version": 1, "config": "", "epoch": 3, "inputs": ["x1", "x2"],
        "layers": [{"activation": "tanh", "residual": False, "W": W, "b": [0.1] * 4},
                   {"activation": "tanh", "residual": False, "W": [[0.1, 0.2]] * 4, "b": [0.1, 0.1]},
                   {"activation": "tanh", "residual": False, "W": [[0.3], [0.4]], "b": [0.0]}]}


def model(**change):
    d = json.loads(json.dumps(GOOD))
    for path, value in change.items():
        *keys, last = path.split("__")
        node = d
        for k in keys:
            node = node[int(k)] if isinstance(node, list) else node[k]
        node[int(last) if isinstance(node, list) else last] = value
    return json.dumps(d).encode()


def csv(rows, header="x1,x2,label"):
    return (header + "\n" + "\n".join(rows) + "\n").encode()


def classes(k, n_each=6):
    return [f"{i * 0.1},{-i * 0.1},{c}" for c in range(k) for i in range(n_each)]


npz = io.BytesIO()
np.savez(npz, W=np.zeros((2, 4)))
npy = io.BytesIO()
np.save(npy, np.zeros((2, 4)))

CASES = {
    # model files
    "pickle.json": ("model", pickle.dumps({"format": "playground-model"}), "not UTF-8"),
    "archive.npz.json": ("model", npz.getvalue(), "not UTF-8"),
    "array.npy.json": ("model", npy.getvalue(), "not UTF-8"),
    "wrong_shape.json": ("model", model(layers__1__W=[[0.1, 0.2]] * 3), "rows"),
    "wrong_width.json": ("model", model(layers__0__W=[[0.1, 0.2, 0.3]] * 2), "columns"),
    "nan.json": ("model", model().replace(b"0.3]", b"NaN]", 1), "not a finite number"),
    "infinity.json": ("model", model().replace(b"0.3]", b"Infinity]", 1), "not a finite number"),
    "huge_number.json": ("model", model().replace(b"0.3]", b"1e400]", 1), "finite"),
    "nested.json": ("model", b"[" * 50_000 + b"]" * 50_000, "nested too deeply"),
    "huge_string.json": ("model", model(config="a" * 100_000), "query string"),
    "wrong_types.json": ("model", model(layers__0__W="weights"), "list"),
    "bool_weights.json": ("model", model(layers__0__b=[True, False, True, False]), "finite number"),
    "string_epoch.json": ("model", model(epoch="3"), "epoch"),
    "version.json": ("model", model(version=2), "version"),
    "format.json": ("model", model(format="keras"), "not a playground model"),
    "not_object.json": ("model", b"[1, 2, 3]", "not a playground model"),
    "empty.json": ("model", b"", "not valid JSON"),
    "text.json": ("model", b"hello", "not valid JSON"),
    "missing_layer.json": ("model", model(layers=GOOD["layers"][:2]), "layers"),
    "huge_int.json": ("model", model(layers__0__b=["N", 0.1, 0.1, 0.1]).replace(b'"N"', b"1" + b"0" * 400),
                      "not a finite number"),  # float(10**400) raises OverflowError
    "many_digits.json": ("model", model(layers__0__b=["N", 0.1, 0.1, 0.1]).replace(b'"N"', b"7" * 5000),
                         "not a finite number"),  # int() of over 4,300 digits raises ValueError
    "markdown_version.json": ("model", model(version="[fix](http://x.io)"), "version"),
    "markdown_activation.json": ("model", model(layers__0__activation="[fix](http://x.io)"), "activations"),
    # data files
    "empty.csv": ("csv", b"", "empty"),
    "header_only.csv": ("csv", b"x1,x2,label\n", "no data rows"),
    "no_header.csv": ("csv", b"0.1,0.2,1\n0.3,0.4,0\n", "header"),
    "ragged.csv": ("csv", csv(classes(2)[:-1] + ["0.5,0.5"]), "values but the header has"),
    "non_numeric.csv": ("csv", csv(classes(2) + ["abc,0.5,1"]), "not a number"),
    "nan.csv": ("csv", csv(classes(2) + ["nan,0.5,1"]), "not a finite number"),
    "inf.csv": ("csv", csv(classes(2) + ["0.5,inf,1"]), "not a finite number"),
    "1e400.csv": ("csv", csv(classes(2) + ["1e400,0.5,1"]), "not a finite number"),
    "one_class.csv": ("csv", csv(classes(1)), "single value"),
    "eleven_classes.csv": ("csv", csv(classes(11)), "at most 10"),
    "small_class.csv": ("csv", csv(classes(2) + ["9,9,2", "9,8,2"]), "at least 5"),
    "fractional_labels.csv": ("csv", csv(classes(2) + ["0.5,0.5,0.5"]), "whole class numbers"),
    "many_columns.csv": ("csv", (",".join(f"c{i}" for i in range(5000)) + "\n1,2\n").encode(), "columns"),
    "latin1.csv": ("csv", "x1,x2,label\n0.1,0.2,caf\u00e9\n".encode("latin-1"), "UTF-8"),
    "gzip.csv": ("csv", gzip.compress(csv(classes(2)), mtime=0), "UTF-8"),
    "bad_split.csv": ("csv", csv([r + ",maybe" for r in classes(2)], "x1,x2,label,split"), "train or test"),
    "markdown.csv": ("csv", csv(classes(2) + ["[fix](http://x.io),0.5,1"]), "not a number"),
    "markdown_split.csv": ("csv", csv([r + ",train" for r in classes(2)] + ["1,2,1,<b>[fix](http://x.io)</b>"],
                                      "x1,x2,label,split"), "train or test"),
    "huge_label.csv": ("csv", csv([f"{i * 0.1},{-i * 0.1},{(-1) ** i * 1e308:g}" for i in range(12)]), "too large"),
    "huge_input.csv": ("csv", csv(classes(2) + ["1e300,0.5,1"]), "too large"),
    # share links
    "out_of_range.txt": ("link", b"noise=99", "noise"),
    "nan.txt": ("link", b"lr=nan", "lr"),
    "1e12.txt": ("link", b"points=1e12", "points"),
    "text_number.txt": ("link", b"batch=ten", "batch"),
    "repeated.txt": ("link", b"lr=0.1&lr=0.3", "lr"),
    "long_value.txt": ("link", b"layers=" + b"8," * 5000, "layers"),
    "import.txt": ("link", b"activation=__import__('os').system('id')", "activation"),
    "script.txt": ("link", b"dataset=<script>alert(1)</script>", "dataset"),
    "negative.txt": ("link", b"layers=4,-2", "layers"),
    "too_deep.txt": ("link", b"layers=8,8,8,8,8,8,8,8,8", "layers"),
    "tfp_bad.txt": ("link", b"https://playground.tensorflow.org/#learningRate=fast&networkShape=4,2", "lr"),
    "tfp_seed.txt": ("link", b"https://playground.tensorflow.org/#seed=1e308&dataset=xor", "seed"),
    "hide_bogus.txt": ("link", b"hide=bogus,lr", "hide"),
    "markdown_link.txt": ("link", b"dataset=[fix](http://x.io)", "dataset"),
}
# A link whose keys are all unknown is not an error: they are ignored.
ACCEPTED_LINKS = {"unknown.txt": b"foo=1&bar=<b>x</b>"}


def big_cases():
    """(name, kind, bytes, reason) for inputs over the size caps, made on demand."""
    yield "oversize.csv", "csv", csv(classes(2)) + b"0.1,0.2,1\n" * 120_000, "larger than the limit"
    yield "too_many_rows.csv", "csv", csv([f"{i % 7},{i % 5},{i % 2}" for i in range(2500)]), "more than"
    row = b"[" + b",".join([b"0"] * 10_000) + b"]"
    yield ("ten_million_params.json", "model", b'{"format": "playground-model", "version": 1, "config": '
           b'"layers=32", "layers": [{"W": [' + b",".join([row] * 1000) + b"]}]}", "limit")
    yield "over_1mb.json", "model", model()[:-1] + b" " * 1_100_000 + b"}", "limit"
    wide = json.loads(model())  # hidden layers 4, 2 and an output layer 2 x 30,000: the cap counts it
    wide.update(config="layers=4,2")
    wide["layers"][2].update(W=[[0] * 30_000] * 2, b=[0] * 30_000)
    yield "wide_output.json", "model", json.dumps(wide).encode(), "parameters"


if __name__ == "__main__":
    expected = {}
    for name, (kind, data, reason) in CASES.items():
        (HERE / name).write_bytes(data)
        expected[name] = {"kind": kind, "reason": reason}
    for name, data in ACCEPTED_LINKS.items():
        (HERE / name).write_bytes(data)
        expected[name] = {"kind": "link", "reason": None}
    (HERE / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")
    print(f"wrote {len(expected)} files")
