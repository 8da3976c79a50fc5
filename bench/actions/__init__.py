"""Write benchmarks of the apps, found by bench/actions_bench.py: each module here defines SCENARIOS, a dict of
name -> function(count) returning {"done": how many actions ran, "counted": what the portal counted}."""
