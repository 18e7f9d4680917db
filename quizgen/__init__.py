"""quizgen: question banks about a patient-education article, turned into decks, print and quizzes."""

__version__ = "0.1.0"
