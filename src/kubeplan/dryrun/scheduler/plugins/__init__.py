"""One package per kube-scheduler plugin, named as upstream
(pkg/scheduler/framework/plugins/<name>); the class name is the plugin name users see."""
