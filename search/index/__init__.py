"""Analysis (segmentation, folding) and the index: Whoosh documents and the per-segment arrays beside them."""
