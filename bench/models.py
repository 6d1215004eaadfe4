"""The BPMN processes the engine benchmark runs (Camunda 8 dialect)."""

from __future__ import annotations

_HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="Definitions_Bench"
  targetNamespace="http://bpmn.io/schema/bpmn" exporter="Camunda Modeler" exporterVersion="5.39.0"
  modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.8.0">
"""


def one_task(process_id: str, job_type: str) -> bytes:
    """start → one service task → end."""
    return (
        _HEADER
        + f"""  <bpmn:process id="{process_id}" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1"><bpmn:outgoing>Flow_1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Task_Work" />
    <bpmn:serviceTask id="Task_Work">
      <bpmn:extensionElements><zeebe:taskDefinition type="{job_type}" /></bpmn:extensionElements>
      <bpmn:incoming>Flow_1</bpmn:incoming><bpmn:outgoing>Flow_2</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Work" targetRef="EndEvent_1" />
    <bpmn:endEvent id="EndEvent_1"><bpmn:incoming>Flow_2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""
    ).encode()


def empty(process_id: str) -> bytes:
    """start → end: fills the store with completed instances."""
    return (
        _HEADER
        + f"""  <bpmn:process id="{process_id}" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1"><bpmn:outgoing>Flow_1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="EndEvent_1" />
    <bpmn:endEvent id="EndEvent_1"><bpmn:incoming>Flow_1</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""
    ).encode()


def loop(process_id: str, job_type: str) -> bytes:
    """A service task repeated while ``more`` is true: an instance that keeps growing."""
    return (
        _HEADER
        + f"""  <bpmn:process id="{process_id}" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1"><bpmn:outgoing>Flow_1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Gateway_Join" />
    <bpmn:exclusiveGateway id="Gateway_Join">
      <bpmn:incoming>Flow_1</bpmn:incoming><bpmn:incoming>Flow_Again</bpmn:incoming>
      <bpmn:outgoing>Flow_2</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Gateway_Join" targetRef="Task_Step" />
    <bpmn:serviceTask id="Task_Step">
      <bpmn:extensionElements><zeebe:taskDefinition type="{job_type}" /></bpmn:extensionElements>
      <bpmn:incoming>Flow_2</bpmn:incoming><bpmn:outgoing>Flow_3</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Task_Step" targetRef="Gateway_More" />
    <bpmn:exclusiveGateway id="Gateway_More" default="Flow_Done">
      <bpmn:incoming>Flow_3</bpmn:incoming>
      <bpmn:outgoing>Flow_Again</bpmn:outgoing><bpmn:outgoing>Flow_Done</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="Flow_Again" sourceRef="Gateway_More" targetRef="Gateway_Join">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=more</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_Done" sourceRef="Gateway_More" targetRef="EndEvent_1" />
    <bpmn:endEvent id="EndEvent_1"><bpmn:incoming>Flow_Done</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""
    ).encode()
