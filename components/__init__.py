"""Conflict Monitor: data loading and validation, the views (pure build_* and thin render_*), exports and commands."""
