module github.com/logmill/logmill/plugins

go 1.19

require github.com/logmill/logmill/contract/go v0.0.0

replace github.com/logmill/logmill/contract/go => ../contract/go
