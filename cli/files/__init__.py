"""Files for people (D35): the answers of the questions as CSV, XLSX, HTML and PDF, the 通报, the publication bundle."""
