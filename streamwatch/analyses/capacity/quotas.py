"""The plan's quotas section: what the sized stream and job need against the default service quotas
and the stack's and the job's own bounds, and which increases to request before the peak comes.

A mixin of the plan's builder (``model._Builder``): it reads the shard count, KPUs and parallelism
the Kinesis and Flink sections sized, and adds one line per bound, each naming its source, then one
line listing the increases needed.

Bounds checked:

* Managed Flink's KPUs per application (64 by default) and the Parallelism they allow
  (ParallelismPerKPU x the KPU quota); autoscaling stops there too;
* the template's ``FlinkMaxKpus`` (the KPUs the flink-kpus-at-cap alarm fires at) and its MaxValue;
* the job's own ``max-parallelism`` (processing group): Flink cannot run an operator with more
  instances than key groups, and a restore cannot change it;
* Kinesis' shard quota per account and region, and on-demand's write maximum and starting capacity.
"""

from __future__ import annotations


class QuotaLines:
    """Mixed into the plan's builder, which provides add, limit, t, s, shards, kpus, parallelism."""

    def quotas(self) -> None:
        needed: list[str] = []
        kpu_quota = self.limit("flink_kpu_quota")
        per_kpu = int(self.t["FlinkParallelismPerKpu"])
        if self.kpus > kpu_quota:
            needed.append(f"Managed Flink KPUs per application: {kpu_quota:,.0f} -> at least {self.kpus:,}")
        self.add("quotas.flink_kpus", "Managed Flink: KPUs per application", self.kpus, "KPUs",
                 f"the job's {self.kpus:,} KPUs (orchestration's KPU aside) against the default quota of "
                 f"{kpu_quota:,.0f} KPUs per application: "
                 + (f"ABOVE: request an increase to at least {self.kpus:,} (Service Quotas, a limit increase "
                    f"request) before deploying this size; without it autoscaling also stops at {kpu_quota:,.0f}"
                    if self.kpus > kpu_quota else "within"))
        ceiling = kpu_quota * per_kpu
        self.add("quotas.flink_parallelism", "Managed Flink: Parallelism allowed", ceiling, "",
                 f"Parallelism is bounded by ParallelismPerKPU ({per_kpu}, template default) x the KPU quota "
                 f"({kpu_quota:,.0f}) = {ceiling:,.0f}; the plan needs {self.parallelism:,}: "
                 + ("ABOVE: the KPU quota increase above raises it" if self.parallelism > ceiling else "within"))
        max_kpus, max_kpus_cap = self.t["FlinkMaxKpus"], self.t["FlinkMaxKpusMaxValue"]
        if self.kpus > max_kpus_cap:
            needed.append(f"the template's FlinkMaxKpus MaxValue: {max_kpus_cap:,.0f} -> at least {self.kpus:,}")
        self.add("quotas.flink_max_kpus_parameter", "stack parameter FlinkMaxKpus", self.kpus, "KPUs",
                 f"set FlinkMaxKpus (default {max_kpus:,.0f}: the KPUs at which the flink-kpus-at-cap alarm fires) to "
                 f"at least {self.kpus:,}; the template allows at most {max_kpus_cap:,.0f} (its MaxValue, the "
                 f"default KPU quota): "
                 + (f"ABOVE: raise the MaxValue in infra/cloudformation/streamwatch.yaml with the quota"
                    if self.kpus > max_kpus_cap else "within"))
        self._max_parallelism(needed)
        self._kinesis_quotas(needed)
        self.add("quotas.increases_needed", "quota and setting increases needed", len(needed), "",
                 "; ".join(needed) if needed else "none: the default quotas and the stack's bounds hold this size")

    def _max_parallelism(self, needed: list[str]) -> None:
        max_parallelism, flink_limit = self.t["MaxParallelism"], self.limit("flink_max_parallelism_limit")
        if self.parallelism > max_parallelism:
            needed.append(f"the job's max-parallelism: {max_parallelism:,.0f} -> at least {self.parallelism:,}")
            verdict = (f"ABOVE: raise max-parallelism in the processing group (infra/cloudformation/streamwatch.yaml "
                       f"and flink_app/application_properties.json; Flink allows up to {flink_limit:,.0f}) to at "
                       f"least {self.parallelism:,}, better a power of two with room for autoscaling. It fixes the "
                       f"key groups of the job's state, so a snapshot cannot be restored across the change: deploy "
                       f"with FlinkRestore skip-snapshot and start from the stream (docs/operations.md)")
        else:
            verdict = (f"within, with room for autoscaling to {max_parallelism / self.parallelism:.1f}x the "
                       f"parallelism planned" if self.parallelism else "within")
        self.add("quotas.job_max_parallelism", "the job's max-parallelism", max_parallelism, "",
                 f"the job sets max-parallelism {max_parallelism:,.0f} (processing group, template and "
                 f"flink_app/application_properties.json): no operator can run more instances, and autoscaling "
                 f"stops there too; the plan needs {self.parallelism:,}: {verdict}")

    def _kinesis_quotas(self, needed: list[str]) -> None:
        quota = self.limit("kinesis_shard_quota")
        if self.kinesis_mode == "PROVISIONED" and self.shards > quota:
            needed.append(f"Kinesis shards per account: {quota:,.0f} -> at least {self.shards:,}")
        self.add("quotas.kinesis_shards", "Kinesis: open shards per account and region", self.shards, "shards",
                 f"provisioned needs {self.shards:,} shards against the default quota of {quota:,.0f} in us-east-1, "
                 f"us-west-2 and eu-west-1 (1,000 or 6,000 elsewhere: check the region's), shared by every stream of "
                 f"the account; a resharding briefly holds parent and child shards open too: "
                 + ("ABOVE: request an increase (Service Quotas)" if self.shards > quota else "within"))
        bytes_peak = self.records_peak * self.record_bytes
        start, ceiling = self.limit("kinesis_on_demand_initial_write_bytes_per_s"), \
            self.limit("kinesis_on_demand_write_bytes_per_s")
        if self.kinesis_mode == "ON_DEMAND" and bytes_peak > ceiling:
            needed.append(f"Kinesis on-demand write throughput: {ceiling / 1e9:g} GB/s -> {bytes_peak / 1e9:,.1f} GB/s")
        self.add("quotas.kinesis_on_demand", "Kinesis on-demand: write throughput", bytes_peak, "bytes/s",
                 f"on demand, the peak's writes against the stream's maximum of {ceiling / 1e9:g} GB/s (us-east-1, "
                 f"us-west-2, eu-west-1; 200 MB/s elsewhere until a support ticket raises it): "
                 + ("ABOVE" if bytes_peak > ceiling else "within")
                 + f"; a new on-demand stream starts at {start / 1e6:g} MB/s and grows with its traffic, so a cut-over "
                 f"at this size starts provisioned (or ramps); 1 of the {self.limit('kinesis_on_demand_streams'):,.0f} "
                 f"on-demand streams an account has by default"
                 + ("" if self.kinesis_mode == "ON_DEMAND" else " (not the recommended mode here)"))
