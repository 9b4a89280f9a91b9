"""Neural-network playground: `streamlit run app.py`.

`streamlit run` finds the `st.App` below and serves the page together with the live view's
own WebSocket channel (playground/ui/channel.py), after a warm-up of the page's first run
(playground/ui/startup.py); each browser session then runs this same
file as its page script (`__name__ == "__main__"`). The page lives in `playground/ui/`; the
engine underneath has no Streamlit in it and also runs headless: `python -m playground`.
"""
import streamlit as st

if __name__ == "__main__":
    from playground.ui.page import main

    main()
else:
    from playground.ui.channel import routes
    from playground.ui.startup import lifespan

    app = st.App(__file__, routes=routes(), lifespan=lifespan)
