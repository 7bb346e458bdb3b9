package io.streamwatch.flink.cloudwatch;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.sink.SinkV2Provider;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

/**
 * {@code 'connector' = 'cloudwatch-metrics'}: every row of the table is one CloudWatch metric
 * point. Example:
 *
 * <pre>
 * create table play_start_metrics (minute timestamp(3), device_type string, play_starts bigint) with (
 *   'connector' = 'cloudwatch-metrics', 'namespace' = 'Streamwatch', 'metric-name' = 'PlayStarts',
 *   'region' = 'eu-west-1', 'timestamp-column' = 'minute', 'value-column' = 'play_starts',
 *   'dimension-columns' = 'device_type=DeviceType', 'static-dimensions' = 'Application=streamwatch-dev')
 * </pre>
 */
public final class CloudWatchMetricsTableFactory implements DynamicTableSinkFactory {

    public static final String IDENTIFIER = "cloudwatch-metrics";

    static final ConfigOption<String> NAMESPACE = ConfigOptions.key("namespace").stringType().noDefaultValue();
    static final ConfigOption<String> METRIC_NAME = ConfigOptions.key("metric-name").stringType().noDefaultValue();
    static final ConfigOption<String> UNIT = ConfigOptions.key("unit").stringType().defaultValue("Count");
    static final ConfigOption<String> REGION = ConfigOptions.key("region").stringType().noDefaultValue();
    static final ConfigOption<String> ENDPOINT = ConfigOptions.key("endpoint").stringType().noDefaultValue();
    static final ConfigOption<String> ACCESS_KEY_ID = ConfigOptions.key("aws.access-key-id").stringType().noDefaultValue();
    static final ConfigOption<String> SECRET_ACCESS_KEY = ConfigOptions.key("aws.secret-access-key").stringType().noDefaultValue();
    static final ConfigOption<String> TIMESTAMP_COLUMN = ConfigOptions.key("timestamp-column").stringType().noDefaultValue();
    static final ConfigOption<String> VALUE_COLUMN = ConfigOptions.key("value-column").stringType().noDefaultValue();
    static final ConfigOption<String> DIMENSION_COLUMNS = ConfigOptions.key("dimension-columns").stringType().defaultValue("");
    static final ConfigOption<String> STATIC_DIMENSIONS = ConfigOptions.key("static-dimensions").stringType().defaultValue("");
    static final ConfigOption<Integer> QUEUE_CAPACITY = ConfigOptions.key("queue-capacity").intType().defaultValue(100_000);
    static final ConfigOption<Long> LINGER_MS = ConfigOptions.key("linger-ms").longType().defaultValue(2_000L);
    static final ConfigOption<Integer> MAX_ATTEMPTS = ConfigOptions.key("max-attempts").intType().defaultValue(6);
    static final ConfigOption<Long> BACKOFF_MS = ConfigOptions.key("backoff-ms").longType().defaultValue(200L);
    static final ConfigOption<Long> END_OF_INPUT_TIMEOUT_MS =
            ConfigOptions.key("end-of-input-timeout-ms").longType().defaultValue(30_000L);

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(NAMESPACE, METRIC_NAME, REGION, TIMESTAMP_COLUMN, VALUE_COLUMN);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(UNIT, ENDPOINT, ACCESS_KEY_ID, SECRET_ACCESS_KEY, DIMENSION_COLUMNS, STATIC_DIMENSIONS,
                QUEUE_CAPACITY, LINGER_MS, MAX_ATTEMPTS, BACKOFF_MS, END_OF_INPUT_TIMEOUT_MS);
    }

    @Override
    public DynamicTableSink createDynamicTableSink(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        helper.validate();
        ReadableConfig options = helper.getOptions();
        ResolvedSchema schema = context.getCatalogTable().getResolvedSchema();
        int timestamp = column(schema, options.get(TIMESTAMP_COLUMN), TIMESTAMP_COLUMN.key());
        LogicalTypeRoot timestampType = type(schema, timestamp).getTypeRoot();
        if (timestampType != LogicalTypeRoot.TIMESTAMP_WITHOUT_TIME_ZONE
                && timestampType != LogicalTypeRoot.TIMESTAMP_WITH_LOCAL_TIME_ZONE) {
            throw new ValidationException("'timestamp-column' must be a TIMESTAMP column, got " + type(schema, timestamp));
        }
        int value = column(schema, options.get(VALUE_COLUMN), VALUE_COLUMN.key());
        if (!MetricRows.VALUE_TYPES.contains(type(schema, value).getTypeRoot())) {
            throw new ValidationException("'value-column' must be numeric (an integer or a floating type), got "
                    + type(schema, value));
        }
        Map<String, String> dimensionColumns = pairs(options.get(DIMENSION_COLUMNS), DIMENSION_COLUMNS.key());
        int[] dimensionIndexes = new int[dimensionColumns.size()];
        String[] dimensionNames = new String[dimensionColumns.size()];
        int i = 0;
        for (Map.Entry<String, String> entry : dimensionColumns.entrySet()) {
            dimensionIndexes[i] = column(schema, entry.getKey(), DIMENSION_COLUMNS.key());
            if (type(schema, dimensionIndexes[i]).getTypeRoot() != LogicalTypeRoot.VARCHAR) {
                throw new ValidationException("dimension column '" + entry.getKey() + "' must be a STRING");
            }
            dimensionNames[i++] = entry.getValue();
        }
        MetricRows rows = new MetricRows(timestamp, value, type(schema, value), dimensionIndexes, dimensionNames,
                pairs(options.get(STATIC_DIMENSIONS), STATIC_DIMENSIONS.key()));
        CloudWatchMetricsSettings settings = new CloudWatchMetricsSettings(
                options.get(NAMESPACE), options.get(METRIC_NAME), options.get(UNIT), options.get(REGION),
                options.getOptional(ENDPOINT).orElse(null), options.getOptional(ACCESS_KEY_ID).orElse(null),
                options.getOptional(SECRET_ACCESS_KEY).orElse(null), options.get(QUEUE_CAPACITY),
                options.get(LINGER_MS), options.get(MAX_ATTEMPTS), options.get(BACKOFF_MS),
                options.get(END_OF_INPUT_TIMEOUT_MS));
        return new TableSink(new CloudWatchMetricsSink(settings, rows));
    }

    private static LogicalType type(ResolvedSchema schema, int index) {
        return schema.getColumns().get(index).getDataType().getLogicalType();
    }

    private static int column(ResolvedSchema schema, String name, String option) {
        int index = schema.getColumnNames().indexOf(name);
        if (index < 0) {
            throw new ValidationException("'" + option + "' names column '" + name + "', which the table does not have"
                    + " (columns: " + schema.getColumnNames() + ")");
        }
        return index;
    }

    /** {@code a=A,b=B} as an ordered map; blank is empty. */
    static Map<String, String> pairs(String text, String option) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String item : text.split(",")) {
            if (item.isBlank()) {
                continue;
            }
            String[] parts = item.split("=", 2);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new ValidationException("'" + option + "' expects name=value pairs separated by commas, got '" + text + "'");
            }
            pairs.put(parts[0].trim(), parts[1].trim());
        }
        return pairs;
    }

    private static final class TableSink implements DynamicTableSink {
        private final CloudWatchMetricsSink sink;

        TableSink(CloudWatchMetricsSink sink) {
            this.sink = sink;
        }

        @Override
        public ChangelogMode getChangelogMode(ChangelogMode requestedMode) {
            return ChangelogMode.insertOnly();
        }

        @Override
        public SinkRuntimeProvider getSinkRuntimeProvider(Context context) {
            return SinkV2Provider.of(sink);
        }

        @Override
        public DynamicTableSink copy() {
            return new TableSink(sink);
        }

        @Override
        public String asSummaryString() {
            return "CloudWatch metrics";
        }
    }
}
