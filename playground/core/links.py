"""Reading links: the query (or hash) part of a pasted address, TensorFlow Playground's hash
keys mapped to ours, and telling a link from other pasted text. `config.parse_query` turns
the pairs into a `Config`."""
from __future__ import annotations

import math
import re
from urllib.parse import parse_qsl, unquote_plus, urlsplit

from .settings import HIDEABLE, MAX_SEED, PARSERS


def _query_part(text: str) -> str:
    """The query (or hash) of a URL, of `host:port/path?query` without a scheme, or the text."""
    url = _URL.match(text) is not None
    if not url and text[:1] not in ("?", "#"):
        cut = [i for i in (text.find("?"), text.find("#")) if i > 0]
        if cut and "=" not in text[:min(cut)] and "&" not in text[:min(cut)]:
            text, url = "http://" + text, True  # a pasted address without its scheme
    if url:
        u = urlsplit(text)
        text = u.fragment or u.query
    return text.lstrip("?#")


_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def pairs_of(text: str) -> tuple[list[tuple[str, str]], bool]:
    """Split a query string or URL into key/value pairs; say whether it is a TFP link."""
    text = (text or "").strip()
    tfp = "playground.tensorflow.org" in text
    text = _query_part(text)
    pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=200) if text else []
    keys = {k for k, _ in pairs}
    if not tfp and (keys & TFP_ONLY_KEYS or any(k.endswith(TFP_HIDE_SUFFIX) for k in keys)):
        tfp = True
    return pairs, tfp


# ---------------------------------------------------------------- TensorFlow Playground links
# The keys of TFP's state.ts; `<key>_hide=true` hides that control in TFP.
TFP_KEYS = frozenset({"activation", "regularization", "batchSize", "dataset", "regDataset",
                      "learningRate", "regularizationRate", "noise", "networkShape", "seed",
                      "showTestData", "discretize", "percTrainData", "x", "y", "xTimesY", "xSquared",
                      "ySquared", "cosX", "sinX", "cosY", "sinY", "collectStats", "tutorial",
                      "problem", "initZero", "hideText"})
TFP_ONLY_KEYS = TFP_KEYS - set(PARSERS)
TFP_HIDE_SUFFIX = "_hide"
_TFP_FEATURES = {"x": "x1", "y": "x2", "xSquared": "x1sq", "ySquared": "x2sq",
                 "xTimesY": "x1x2", "sinX": "sinx1", "sinY": "sinx2"}
_TFP_DIRECT = {"activation": "activation", "batchSize": "batch", "learningRate": "lr",
               "regularizationRate": "reg_rate", "noise": "noise", "percTrainData": "train",
               "showTestData": "show_test", "discretize": "discretize"}
# TFP's hideable controls (playground.ts HIDABLE_CONTROLS) -> our `hide=` names. TFP's play,
# step and reset buttons and its display toggles have no hideable counterpart here.
TFP_HIDE = {"learningRate": "lr", "activation": "activation", "regularization": "reg",
            "regularizationRate": "reg", "problem": "data", "dataset": "data", "regDataset": "data",
            "percTrainData": "data", "noise": "noise", "batchSize": "batch",
            "numHiddenLayers": "network", "networkShape": "network"}


def from_tfp(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Map TensorFlow Playground hash keys to ours (dead keys like cosX are ignored)."""
    d = dict(pairs)
    out: list[tuple[str, str]] = []
    for theirs, ours in _TFP_DIRECT.items():
        if theirs in d:
            out.append((ours, d[theirs]))
    problem = d.get("problem", "classification")
    ds = d.get("regDataset") if problem == "regression" else d.get("dataset")
    if ds is not None:
        out.append(("dataset", ds))
    if "networkShape" in d:
        out.append(("layers", d["networkShape"]))
    if "regularization" in d:
        out.append(("reg", d["regularization"]))
    if d.get("initZero") == "true":
        out.append(("init", "zeros"))
    feats = [ours for theirs, ours in _TFP_FEATURES.items() if d.get(theirs) == "true"]
    if any(k in d for k in _TFP_FEATURES):
        out.append(("features", ",".join(feats)))
    if "seed" in d:
        out.append(("seed", _tfp_seed(d["seed"])))
    hidden = {TFP_HIDE.get(k[:-len(TFP_HIDE_SUFFIX)]) for k, v in d.items()
              if k.endswith(TFP_HIDE_SUFFIX) and v == "true"}
    if hidden - {None}:
        out.append(("hide", ",".join(n for n in HIDEABLE if n in hidden)))
    return out


def _tfp_seed(raw: str) -> str:
    """TFP's seed is any text (normally `Math.random().toFixed(5)`): a number maps to
    |seed|·10⁶ mod 2³¹; anything else (text, or a number too large) is passed on as is, so
    the seed parser names it."""
    try:
        v = abs(float(raw)) * 1e6
    except (ValueError, OverflowError):
        return raw
    return str(int(v) % (MAX_SEED + 1)) if math.isfinite(v) else raw


# ---------------------------------------------------------------- pasted text
_LINK_KEYS = frozenset(PARSERS) | TFP_KEYS


def looks_like_link(text: str) -> bool:
    """True for an http(s) URL, a query string or hash with at least one key of ours or of
    TensorFlow Playground's (`lr=0.1`, `?dataset=xor`, `#activation=relu&...`,
    `localhost:8501/?layers=4`); False for other text, so a page can refuse it instead of
    resetting every setting. Never raises."""
    try:
        if not isinstance(text, str):
            return False
        t = text.strip()
        if not t or any(ch.isspace() for ch in t):
            return False
        if _URL.match(t):
            u = urlsplit(t)
            return u.scheme.lower() in ("http", "https") and bool(u.netloc)
        for part in _query_part(t).split("&"):
            if "=" in part:
                key = unquote_plus(part.split("=", 1)[0]).strip()
                base = key[:-len(TFP_HIDE_SUFFIX)] if key.endswith(TFP_HIDE_SUFFIX) else None
                if key in _LINK_KEYS or base in TFP_HIDE or base in TFP_KEYS:
                    return True
        return False
    except Exception:
        return False
