"""The Code buttons: the run as a NumPy or a PyTorch script (io/code_export.py)."""
from __future__ import annotations

import streamlit as st

from . import session as S
from ..core.config import Config
from ..io.code_export import numpy_script, torch_script


def code_buttons(cfg: Config, t) -> None:
    """Two downloads, each script made when clicked from the run the page shows (Step reruns
    only the live view, so a script made during the last page run could be older than the
    weights on screen), under the page's lock (the live channel trains in its own thread).
    While playing the run changes under the click: they wait for a pause."""
    playing, lock = S.playing(), S.page().lock
    wait = " Pause first." if playing else ""

    def made(export):
        def make() -> str:
            with lock:
                return export(cfg, t)
        return make

    a, b = st.columns(2)
    a.download_button("Code (NumPy)", data=made(numpy_script), disabled=playing,
                      file_name="playground-run.py", mime="text/x-python", key="pg_dl_code_numpy",
                      on_click="ignore", icon=":material/code:", width="stretch",
                      help="A Python script that repeats this run with NumPy." + wait)
    b.download_button("Code (PyTorch)", data=made(torch_script), disabled=playing,
                      file_name="playground-run-torch.py", mime="text/x-python",
                      key="pg_dl_code_torch", on_click="ignore", icon=":material/code:",
                      width="stretch",
                      help="The same network, starting weights and batch order in PyTorch." + wait)
    # no numbers of the run here: a Step on the live channel does not redraw this caption
    st.caption("Each script makes the same data and starting weights, trains as many epochs as "
               "the run has when you click and prints the final losses: the NumPy one exactly "
               "those shown here, the PyTorch one to about 1e-9 with SGD.")
