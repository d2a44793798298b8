"""Chỉ Số: tracks and assesses how state agencies complete e-government."""
