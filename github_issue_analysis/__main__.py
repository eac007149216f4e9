from github_issue_analysis.cli.launch import run

run()
