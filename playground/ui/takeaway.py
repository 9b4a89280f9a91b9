"""Take it with you: the run as code (ui/code_panel.py), an animation of its training
(ui/animation_panel.py) and the session's run log (ui/runlog.py). The section sits below
sharing and files; each part is a module of its own."""
from __future__ import annotations

import streamlit as st

from ..core.config import Config
from .animation_panel import animation_button
from .code_panel import code_buttons
from .runlog import runlog_panel


def takeaway_section(cfg: Config, t) -> None:
    st.markdown("**Take it with you**")
    a, b = st.columns(2, gap="large")
    with a:
        code_buttons(cfg, t)
    with b:
        animation_button(cfg, t)
    runlog_panel(cfg, t)
