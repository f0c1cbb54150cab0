"""Merchandise: licensed goods, stock, authenticity codes and royalties."""
