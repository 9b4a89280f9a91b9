"""Neural-network playground: `streamlit run app.py`.

All page code lives in `playground/ui*.py`; the engine underneath (`playground/`) has no
Streamlit in it and also runs headless: `python -m playground train "<query>"`.
"""
from playground.ui.page import main

main()
