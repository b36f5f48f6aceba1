"""Speed, memory and answer-quality figures of 政策通: ``python -m bench.run`` (``make bench``)."""
