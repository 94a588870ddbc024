// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// A stand-in for Multicall3 on the local test chain, written for crossmargin: the same aggregate3 interface
/// (https://github.com/mds1/multicall), so the connector's Multicall3 path runs against a real contract. Each call
/// is made in order; one that fails reverts the whole batch unless it allows failure.
contract LocalMulticall3 {
    struct Call3 {
        address target;
        bool allowFailure;
        bytes callData;
    }

    struct Result {
        bool success;
        bytes returnData;
    }

    function aggregate3(Call3[] calldata calls) external payable returns (Result[] memory returnData) {
        returnData = new Result[](calls.length);
        for (uint256 i = 0; i < calls.length; i++) {
            (bool success, bytes memory data) = calls[i].target.call(calls[i].callData);
            require(success || calls[i].allowFailure, "LocalMulticall3: call failed");
            returnData[i] = Result(success, data);
        }
    }
}
