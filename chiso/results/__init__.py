"""Official and provisional figures: stored evaluation results, their revision, the one reader.

Every page, report, API answer and CLI line reads results through
``chiso.results.reader`` on a named basis (official = approved or outside any
round; provisional = every current figure), and every write of a figure goes
through ``chiso.results.writes`` so the stored results know they are stale.
"""
