from kubeplan.cli import main

main()
