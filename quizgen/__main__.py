from quizgen.cli import main

main(prog_name="quizgen")
