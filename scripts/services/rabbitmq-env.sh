# Sourced by start/stop-rabbitmq.sh: the environment of the private node in folder $1 with AMQP port $2.
dir="$1"
port="$2"
export HOME="$dir/home"
export RABBITMQ_NODENAME="jenga-test-$port@localhost"
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_NODE_PORT="$port"
export RABBITMQ_DIST_PORT=$((port + 20000))
export ERL_EPMD_PORT="${JENGA_TEST_EPMD_PORT:-4379}"
export ERL_EPMD_ADDRESS=127.0.0.1
export RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf"
export RABBITMQ_CONFIG_FILE="$dir/rabbitmq"
export RABBITMQ_ADVANCED_CONFIG_FILE="$dir/advanced.config"
export RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins"
export RABBITMQ_MNESIA_BASE="$dir/mnesia"
export RABBITMQ_LOG_BASE="$dir/log"
export RABBITMQ_PID_FILE="$dir/rabbitmq.pid"
RABBITMQCTL=/usr/lib/rabbitmq/bin/rabbitmqctl
