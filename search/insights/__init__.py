"""What no search engine gives: 报告体检, near-duplicate paragraphs across reports, the indicator table."""
