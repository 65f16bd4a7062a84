module example.com/__NAME__

go 1.19

require github.com/logmill/logmill/contract/go v0.0.0

replace github.com/logmill/logmill/contract/go => __CONTRACT__/go
