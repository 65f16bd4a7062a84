module github.com/logmill/logmill/contract/go

go 1.19
