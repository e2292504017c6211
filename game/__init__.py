"""The pure Liap Tui engine: rules, state, decide/apply, views and bots.

Nothing in this package imports Django; the room service and replay fold the same events.
"""
