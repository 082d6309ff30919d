"""The Streamlit dashboard and the plain helpers it stands on.

- :mod:`.ui` is the page itself (the only code here that imports streamlit); the repository's ``app.py``
  and :mod:`.streamlit_app` (what ``advisor app`` runs, see :mod:`.launch`) call its ``main()``.
- :mod:`.uploads` saves uploaded files under the runs folder, where :func:`advisor.load` reads them.
- :mod:`.jobs` starts a benchmark in its own process (``python -m advisor.app_worker RUN_DIR``), reads its
  progress from ``<run_dir>/progress.jsonl`` and stops it; :mod:`.worker` is what that process runs.
- :mod:`.runs` names run folders and lists past runs; :mod:`.downloads` writes the reports into a run
  folder and packs them for download.

Nothing here trains or scores a model: the page shows what :mod:`advisor.api` returns.
"""
