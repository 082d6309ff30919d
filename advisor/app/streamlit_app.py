"""The dashboard script that ``advisor app`` hands to ``streamlit run`` (the repository's ``app.py`` is the same)."""

from advisor.app.ui import main

main()
