from sspost.cli import main

main()
