"""Review and consensus: the disagreement queue of two coders, decisions into a consensus coding, comments on
segments and codes, and the codebook's history (read from the audit log)."""
