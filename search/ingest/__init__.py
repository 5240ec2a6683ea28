"""Reading reports: files of every format → lines → paragraphs with their outline → the report's metadata and parts."""
