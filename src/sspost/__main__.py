from sspost.entry import main

main()
