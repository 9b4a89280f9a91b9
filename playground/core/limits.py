"""The size limits on files a user hands the playground, stated once.

The page's upload limit (`.streamlit/config.toml` `server.maxUploadSize`, in MB) and the
readers' own caps on a model file (`io.model_file.MAX_BYTES`) and a data CSV
(`io.data_csv.MAX_CSV_BYTES`), which the command line applies too, are these numbers;
tests/test_safety_model_io.py checks the config file against them.

A megabyte here is 1,000,000 bytes. Streamlit's server counts `maxUploadSize` in MiB
(1,048,576 bytes), so it lets through slightly more than the cap, and the readers refuse the
rest by name ("the file is 1,040,000 bytes; the limit is 1,000,000").
"""
from __future__ import annotations

UPLOAD_MB = 1                            # server.maxUploadSize in .streamlit/config.toml
MAX_FILE_BYTES = UPLOAD_MB * 1_000_000   # a model file or a data CSV, on the page and the CLI
