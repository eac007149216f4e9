from github_issue_analysis.cli.main import run

run()
