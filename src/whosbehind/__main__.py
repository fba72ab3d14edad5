from whosbehind.cli.app import main

main()
