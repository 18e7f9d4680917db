"""Everything quizgen writes: the Anki deck, print, the handout, the web page, JSON, the build."""
