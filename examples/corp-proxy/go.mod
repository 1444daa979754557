module git.corp.example.com/payments/ledger

go 1.22

require (
	git.corp.example.com/platform/auth v1.4.0
	git.corp.example.com/platform/observability v0.9.2
	golang.org/x/text v0.14.0
)
