from papers.cli import main

main()
