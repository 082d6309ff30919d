"""advisor's dashboard: ``streamlit run app.py`` (or ``advisor app``). The page is advisor/app/ui/."""

from advisor.app.ui import main

main()
