"""Take it with you: an animation of the run's training and the session's run log (more
follows: the run as code). The section sits below sharing and files; each part is a module
of its own."""
from __future__ import annotations

import streamlit as st

from ..core.config import Config
from .animation_panel import animation_button
from .runlog import runlog_panel


def takeaway_section(cfg: Config, t) -> None:
    st.markdown("**Take it with you**")
    a, b = st.columns(2, gap="large")
    with b:
        animation_button(cfg, t)
    runlog_panel(cfg, t)
