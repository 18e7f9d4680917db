"""Studying: the terminal quiz, answer matching, question order and progress."""
