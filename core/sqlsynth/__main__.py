from sqlsynth.cli import main

main()
